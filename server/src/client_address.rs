//! Works out, once per request, which client it comes from (issue 21, S7): the peer, or behind
//! a proxy listed in `TRUSTED_PROXIES` the address that proxy forwarded for. Everything that
//! needs the address (the sign-in throttle, the consent log's network hash) reads the result
//! through `app::server::request::client_ip`.

use app::server::{request::ClientAddress, state::AppState};
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use std::net::SocketAddr;

pub async fn resolve_client_address(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(peer) = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip()) {
        let forwarded = request.headers().get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok());
        let client = state.trusted_proxies.client_address(peer, forwarded);
        request.extensions_mut().insert(ClientAddress(client));
    }
    next.run(request).await
}
