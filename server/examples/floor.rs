//! The floor of the login page's benchmark (scripts/bench.sh): a bare axum handler that serves
//! the bytes of a page saved from the portal, with nothing else in between.
//!   floor FILE ADDR

use axum::{http::header, routing::get, Router};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(file), Some(addr)) = (args.next(), args.next()) else {
        eprintln!("usage: floor FILE ADDR");
        std::process::exit(2);
    };
    let body = axum::body::Bytes::from(std::fs::read(&file).expect("read the page"));
    let app = Router::new().route(
        "/",
        get(move || {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    // The portal's own listener settings, so that only the handler differs.
    server::startup::without_nagle(&listener).expect("set TCP_NODELAY");
    axum::serve(listener, app).await.expect("serve");
}
