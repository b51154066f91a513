import { defineConfig } from '@playwright/test';
import * as path from 'path';

// The built release server, started here with its own fresh database on its own port so the
// tests never see a developer's data (scripts/test sets SOP_SERVER_BIN; see serve-for-tests.sh).
const port = Number(process.env.SOP_E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // The JSON report is what scripts/test reads to know the suite really ran: cargo-leptos can
  // exit 0 when the build it runs first fails (cargo-leptos#114), and then no test runs at all.
  reporter: [['list'], ['json', { outputFile: process.env.SOP_E2E_REPORT ?? 'test-results/report.json' }]],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `bash ${path.join(__dirname, 'serve-for-tests.sh')}`,
    url: `${baseURL}/robots.txt`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { LISTEN_ADDR: `127.0.0.1:${port}` },
  },
});
