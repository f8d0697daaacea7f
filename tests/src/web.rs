//! A cookie-keeping HTTP client that drives the portal the way a browser without JavaScript
//! does: it reads pages, submits forms with their anti-forgery token, and sees redirects.

use app::{
    context::CONTEXT_ELEMENT_ID,
    error::{AppError, ErrorKind},
};
use reqwest::{header, redirect::Policy, Client, StatusCode};

pub struct WebClient {
    http: Client,
    base: String,
}

pub struct Page {
    pub status: StatusCode,
    pub html: String,
}

impl Page {
    /// The anti-forgery token the server wrote into the page's context.
    pub fn csrf(&self) -> String {
        let start = self
            .html
            .find(&format!("id=\"{CONTEXT_ELEMENT_ID}\""))
            .expect("the page carries its request context");
        let json_start = start + self.html[start..].find('>').unwrap() + 1;
        let json_end = json_start + self.html[json_start..].find("</script>").unwrap();
        let ctx: serde_json::Value =
            serde_json::from_str(&self.html[json_start..json_end]).unwrap();
        ctx["csrf"].as_str().unwrap().to_string()
    }
}

impl WebClient {
    pub fn new(base: &str, accept_language: &str) -> WebClient {
        WebClient::new_with_agent(base, accept_language, "domaine-tests")
    }

    /// A client that presents itself as `user_agent` (pages recommend apps by platform).
    pub fn new_with_agent(base: &str, accept_language: &str, user_agent: &str) -> WebClient {
        WebClient::customised(base, accept_language, user_agent, |builder| builder)
    }

    /// A client whose HTTP settings `customise` adds to (a source address, extra headers...).
    pub fn customised(
        base: &str,
        accept_language: &str,
        user_agent: &str,
        customise: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> WebClient {
        let mut headers = header::HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, accept_language.parse().unwrap());
        headers.insert(header::USER_AGENT, user_agent.parse().unwrap());
        let builder = Client::builder()
            // A page that never answers fails its test, naming the request, instead of
            // hanging the suite.
            .timeout(std::time::Duration::from_secs(60))
            .cookie_store(true)
            .redirect(Policy::none())
            .default_headers(headers);
        WebClient {
            http: customise(builder).build().unwrap(),
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// A client connecting from `source` (any 127.x.y.z is this machine: another client, as
    /// far as the portal can tell) that adds `headers` to every request; `customise` adds to
    /// its HTTP settings (a CA to trust...).
    pub fn from_address(
        base: &str,
        source: &str,
        headers: &[(&'static str, &str)],
        customise: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> WebClient {
        let source: std::net::IpAddr = source.parse().expect("a source address");
        let mut map = header::HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, header::HeaderValue::from_str(value).unwrap());
        }
        WebClient::customised(base, "en", "domaine-tests", move |builder| {
            customise(builder.local_address(source).default_headers(map))
        })
    }

    /// Tries to log in as `username` with a wrong password; returns the error the portal sends
    /// the browser back to the login page with (`invalid`, or `throttled` once locked).
    pub async fn fail_login(&self, username: &str) -> String {
        let location = self
            .log_in(username, "wrong password", None)
            .await
            .expect("a redirect");
        location
            .split(['?', '&'])
            .find_map(|part| part.strip_prefix("error="))
            .unwrap_or_else(|| panic!("an error in {location}"))
            .to_string()
    }

    /// Fails logins from this client, each time on another account so that only the client can
    /// lock: 6 are refused as invalid, then the next as throttled. Panics otherwise, naming
    /// `what`.
    pub async fn fail_logins_until_locked(&self, what: &str) {
        use app::pages::public::login::{LOGIN_ERROR_INVALID, LOGIN_ERROR_THROTTLED};
        for attempt in 0..6 {
            let refused = self.fail_login(&format!("nobody{attempt}")).await;
            assert_eq!(refused, LOGIN_ERROR_INVALID, "{what}: attempt {attempt}");
        }
        let refused = self.fail_login("one-more").await;
        assert_eq!(refused, LOGIN_ERROR_THROTTLED, "{what}: locked");
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .send()
            .await
            .unwrap();
        Page {
            status: res.status(),
            html: res.text().await.unwrap(),
        }
    }

    /// A plain GET with these request headers, for what only headers show (compression,
    /// caching, cookies).
    pub async fn get_with(
        &self,
        path: &str,
        headers: &[(header::HeaderName, &str)],
    ) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        request.send().await.unwrap()
    }

    /// Asks for `path` and goes away after `after`, as a user closing the tab does: the
    /// connection closes with the request in flight (unless it was answered already).
    pub async fn get_abandoned(&self, path: &str, after: std::time::Duration) {
        let request = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html")
            .send();
        if let Ok(Ok(response)) = tokio::time::timeout(after, request).await {
            // Answered in time: drop the body half-read instead.
            drop(response);
        }
    }

    /// Posts a form as a browser would; returns the status and the `Location` it redirects to.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let (status, location, _) = self
            .post_bytes("/admin", path, "text/html", body.into_bytes())
            .await;
        (status, location)
    }

    /// Posts a multipart form as a browser without JavaScript does (text `fields`, and `files`
    /// as name, file name and contents); returns the status and the `Location`.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> (StatusCode, Option<String>) {
        const BOUNDARY: &str = "domaine-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, contents) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(contents);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        let (status, location, _) = self
            .post_typed(path, path, "text/html", &content_type, body)
            .await;
        (status, location)
    }

    /// Posts `body` as a form sent from the page at `from` (the `Referer`, where a failing
    /// server function without JavaScript sends the browser back), byte for byte, even bytes no
    /// browser would send; `accept` as a browser (`text/html`) or the hydrated page
    /// (`application/json`). Returns the status, the `Location` and the body.
    pub async fn post_bytes(
        &self,
        from: &str,
        path: &str,
        accept: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Option<String>, String) {
        let urlencoded = "application/x-www-form-urlencoded";
        self.post_typed(from, path, accept, urlencoded, body).await
    }

    /// Posts `body` of `content_type` from the page at `from`: the status, the `Location` and
    /// the body.
    async fn post_typed(
        &self,
        from: &str,
        path: &str,
        accept: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Option<String>, String) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::ACCEPT, accept)
            .header(header::REFERER, format!("{}{from}", self.base))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        (res.status(), location, res.text().await.unwrap())
    }

    /// Sets `password` with the reset link at `path` (`/reset/TOKEN`) as its page's form does
    /// without JavaScript; returns where the portal sends the browser (`/welcome?…` once set).
    pub async fn reset_password(&self, path: &str, password: &str) -> Option<String> {
        let csrf = self.get(path).await.csrf();
        let token = path.trim_start_matches("/reset/");
        let fields = [
            ("csrf", csrf.as_str()),
            ("token", token),
            ("password", password),
            ("confirm", password),
        ];
        self.post_form("/api/reset_password", &fields).await.1
    }

    /// Logs in through the login form as a browser does (the form's anti-forgery token first),
    /// asking to go to `next` afterwards (`None`: the portal's default page). Returns where the
    /// portal sends the browser: that page once logged in, the login page with an error (e.g.
    /// `/login?error=invalid&…`) otherwise.
    pub async fn log_in(
        &self,
        username: &str,
        password: &str,
        next: Option<&str>,
    ) -> Option<String> {
        let csrf = self.get("/login").await.csrf();
        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
        ];
        fields.extend(next.map(|next| ("next", next)));
        let (_, location) = self.post_form("/auth/login", &fields).await;
        location
    }

    /// A new client (accepting `accept_language`) logged in as `username`; panics unless the
    /// portal then sends it to `lands_on` (`/` for an XMPP user, `/admin` for a provider admin).
    pub async fn logged_in(
        base: &str,
        accept_language: &str,
        username: &str,
        password: &str,
        lands_on: &str,
    ) -> WebClient {
        let web = WebClient::new(base, accept_language);
        assert_eq!(
            web.log_in(username, password, None).await.as_deref(),
            Some(lands_on),
            "{username} logs in"
        );
        web
    }

    /// Logs in through the login form (to `/admin`); true when the portal opened a session.
    pub async fn login(&self, username: &str, password: &str) -> bool {
        self.log_in(username, password, Some("/admin"))
            .await
            .as_deref()
            == Some("/admin")
    }

    /// As a provider admin, makes `owner` an owner of `domain` through the admin page.
    pub async fn add_owner(&self, domain: &str, owner: &str) {
        let fields = [("domain", domain), ("jid", owner)];
        self.server_fn_on("/admin", "add_owner", &fields)
            .await
            .unwrap_or_else(|e| panic!("add {owner} as an owner of {domain}: {e:?}"));
    }

    /// Calls a server function the way the page at `path` does: with that page's anti-forgery
    /// token (first among the fields).
    pub async fn server_fn_on(
        &self,
        path: &str,
        name: &str,
        fields: &[(&str, &str)],
    ) -> Result<String, AppError> {
        let csrf = self.get(path).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.server_fn(name, &all).await
    }

    /// Calls a server function the way the hydrated page does, decoding its typed error.
    pub async fn server_fn(&self, name: &str, fields: &[(&str, &str)]) -> Result<String, AppError> {
        let res = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .header(header::ACCEPT, "application/json")
            .form(fields)
            .send()
            .await
            .unwrap();
        let ok = res.status().is_success();
        let body = res.text().await.unwrap();
        if ok {
            Ok(body)
        } else {
            Err(serde_json::from_str(&body).unwrap_or_else(|_| panic!("a typed error, got {body}")))
        }
    }
}

/// The kind of a server function's (or a backend call's) error; panics if it succeeded.
pub fn kind<T: std::fmt::Debug>(result: Result<T, AppError>) -> ErrorKind {
    result.expect_err("an error").kind
}
