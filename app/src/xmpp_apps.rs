//! The XMPP apps the landing page recommends, per platform, and how a browser's platform is
//! recognised from its User-Agent.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    Android,
    Ios,
    Linux,
    Windows,
    Macos,
    Web,
}

impl Platform {
    pub const ALL: [Platform; 6] = [
        Platform::Android,
        Platform::Ios,
        Platform::Linux,
        Platform::Windows,
        Platform::Macos,
        Platform::Web,
    ];

    /// The platform's usual name (the same in French and English).
    pub fn name(self) -> &'static str {
        match self {
            Platform::Android => "Android",
            Platform::Ios => "iPhone / iPad",
            Platform::Linux => "Linux",
            Platform::Windows => "Windows",
            Platform::Macos => "macOS",
            Platform::Web => "Web",
        }
    }

    /// Recognises the platform from a User-Agent header; `None` when unsure. Order matters:
    /// Android agents say "Linux", iPads may say "Macintosh" but also "Mobile".
    pub fn detect(user_agent: &str) -> Option<Platform> {
        let ua = user_agent.to_ascii_lowercase();
        if ua.contains("android") {
            Some(Platform::Android)
        } else if ua.contains("iphone")
            || ua.contains("ipad")
            || ua.contains("ipod")
            || (ua.contains("macintosh") && ua.contains("mobile"))
        {
            Some(Platform::Ios)
        } else if ua.contains("windows") {
            Some(Platform::Windows)
        } else if ua.contains("macintosh") || ua.contains("mac os x") {
            Some(Platform::Macos)
        } else if ua.contains("linux") || ua.contains("x11") {
            Some(Platform::Linux)
        } else {
            None
        }
    }
}

/// The platform of the browser making the current request, from its User-Agent.
#[cfg(feature = "ssr")]
pub fn request_platform() -> Option<Platform> {
    let parts = use_context::<http::request::Parts>()?;
    let agent = parts.headers.get(http::header::USER_AGENT)?.to_str().ok()?;
    Platform::detect(agent)
}

/// The browser's platform, for pages that recommend apps (the same answer on the server and
/// after hydration).
#[server(prefix = "/api", endpoint = "browser_platform")]
pub async fn browser_platform() -> Result<Option<Platform>, AppError> {
    Ok(request_platform())
}

/// One recommended app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XmppApp {
    pub name: &'static str,
    /// Where to get it (store page or download page).
    pub url: &'static str,
    /// The message key of a one-line description.
    pub about_key: &'static str,
    /// The store passes a `referrer` to the app after installation, so the app finds the
    /// invitation by itself (Google Play's install referrer, which Conversations reads).
    pub takes_referrer: bool,
}

const fn app(name: &'static str, url: &'static str, about_key: &'static str) -> XmppApp {
    XmppApp {
        name,
        url,
        about_key,
        takes_referrer: false,
    }
}

const ANDROID: &[XmppApp] = &[
    XmppApp {
        name: "Conversations",
        url: "https://play.google.com/store/apps/details?id=eu.siacs.conversations",
        about_key: "app-conversations",
        takes_referrer: true,
    },
    app(
        "Conversations (F-Droid)",
        "https://f-droid.org/packages/eu.siacs.conversations/",
        "app-conversations-fdroid",
    ),
    app(
        "Monocles Chat",
        "https://f-droid.org/packages/de.monocles.chat/",
        "app-monocles",
    ),
];
const IOS: &[XmppApp] = &[
    app(
        "Monal IM",
        "https://apps.apple.com/app/monal-im/id317711500",
        "app-monal",
    ),
    app(
        "Siskin IM",
        "https://apps.apple.com/app/siskin-im/id1153516838",
        "app-siskin",
    ),
];
const LINUX: &[XmppApp] = &[
    app("Dino", "https://dino.im/#download", "app-dino"),
    app("Gajim", "https://gajim.org/download/", "app-gajim"),
];
const WINDOWS: &[XmppApp] = &[app("Gajim", "https://gajim.org/download/", "app-gajim")];
const MACOS: &[XmppApp] = &[
    app(
        "Monal IM",
        "https://apps.apple.com/app/monal-im/id317711500",
        "app-monal",
    ),
    app(
        "Beagle IM",
        "https://apps.apple.com/app/beagle-im/id1445349494",
        "app-beagle",
    ),
];
const WEB: &[XmppApp] = &[app("Movim", "https://movim.eu/", "app-movim")];

/// The apps recommended on `platform`, best first.
pub fn apps_for(platform: Platform) -> &'static [XmppApp] {
    match platform {
        Platform::Android => ANDROID,
        Platform::Ios => IOS,
        Platform::Linux => LINUX,
        Platform::Windows => WINDOWS,
        Platform::Macos => MACOS,
        Platform::Web => WEB,
    }
}

/// The link to get `app`, carrying `invitation_uri` where the store hands it to the app.
pub fn download_link(app: &XmppApp, invitation_uri: Option<&str>) -> String {
    match invitation_uri {
        Some(uri) if app.takes_referrer => {
            let referrer: String = form_urlencoded::byte_serialize(uri.as_bytes()).collect();
            format!("{}&referrer={referrer}", app.url)
        }
        _ => app.url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_user_agents() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36", Some(Platform::Android)),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", Some(Platform::Ios)),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1", Some(Platform::Ios)),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15", Some(Platform::Macos)),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/120.0", Some(Platform::Windows)),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0", Some(Platform::Linux)),
            ("curl/8.0", None),
        ];
        for (ua, want) in cases {
            assert_eq!(Platform::detect(ua), want, "{ua}");
        }
    }

    #[test]
    fn every_platform_has_apps_and_only_play_gets_the_referrer() {
        let uri = "xmpp:example.org?register;preauth=abc";
        for platform in Platform::ALL {
            assert!(!apps_for(platform).is_empty(), "{platform:?}");
            for app in apps_for(platform) {
                let link = download_link(app, Some(uri));
                assert_eq!(link.contains("referrer="), app.takes_referrer, "{link}");
            }
        }
        let conversations = &apps_for(Platform::Android)[0];
        assert_eq!(
            download_link(conversations, Some(uri)),
            "https://play.google.com/store/apps/details?id=eu.siacs.conversations\
             &referrer=xmpp%3Aexample.org%3Fregister%3Bpreauth%3Dabc"
        );
    }
}
