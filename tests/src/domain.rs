//! One hosted domain and its owner, logged in: where most tests of an owner's pages start.

use crate::{
    database::Backend, portal::TestPortal, prosody::Prosody, smtp::SmtpServer, web::WebClient,
};

pub struct OwnedDomain {
    /// The owner's browser, logged in, without JavaScript.
    pub owner: WebClient,
    /// The anti-forgery token of the owner's session.
    pub csrf: String,
    pub portal: TestPortal,
    pub smtp: SmtpServer,
    pub prosody: Prosody,
}

impl OwnedDomain {
    /// Prosody hosting `domain`, an SMTP server, the portal (sending its e-mails there) and the
    /// domain's owner: `owner`, an XMPP account of the domain itself (so that it can be a new
    /// user's contact), logged in with `password`.
    pub async fn start(
        backend: &Backend,
        domain: &str,
        owner: &str,
        password: &str,
    ) -> OwnedDomain {
        OwnedDomain::start_configured(backend, domain, owner, password, "").await
    }

    /// Like [`OwnedDomain::start`], with `extra_config` appended to the portal's configuration.
    pub async fn start_configured(
        backend: &Backend,
        domain: &str,
        owner: &str,
        password: &str,
        extra_config: &str,
    ) -> OwnedDomain {
        let prosody = Prosody::start(&[domain]);
        let smtp = SmtpServer::start();
        let portal = TestPortal::start_configured(&prosody, backend, &smtp, extra_config).await;
        prosody.register(owner, domain, password);
        let owner_jid = format!("{owner}@{domain}");
        portal.add_owner(domain, &owner_jid).await;
        let owner = WebClient::logged_in(&portal.url("/"), "en", &owner_jid, password, "/").await;
        let csrf = owner.get(&format!("/domains/{domain}")).await.csrf();
        OwnedDomain {
            owner,
            csrf,
            portal,
            smtp,
            prosody,
        }
    }
}
