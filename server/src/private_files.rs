//! The store's own files (the SQLite database and its folder, the secret key) are readable by
//! the store's user only: folders it creates are 0700 and files 0600 (issue 21, S10), so another
//! account on the machine reads neither personal data nor the key. Existing folders such as a
//! shared /tmp are left as they are.

use std::{io, path::Path};

/// Creates `dir` and any missing parents, each created one only for its owner.
pub fn create_private_folder(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Creates the empty file `path` for its owner only, unless it exists. SQLite then opens it, and
/// gives its write-ahead log and shared-memory files the same permissions.
pub fn create_private_file_if_missing(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    // S10: what the store creates, only its owner can read.
    #[test]
    fn s10_created_folders_and_files_are_private_and_existing_ones_untouched() {
        let root = tempfile::tempdir().unwrap();
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let dir = root.path().join("data/nested");
        create_private_folder(&dir).unwrap();
        assert_eq!(mode(&root.path().join("data")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(root.path()), 0o755, "an existing folder keeps its mode");
        let file = dir.join("store.db");
        create_private_file_if_missing(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        std::fs::write(&file, b"kept").unwrap();
        create_private_file_if_missing(&file).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"kept", "an existing file is left alone");
    }
}
