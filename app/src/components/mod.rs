pub mod apps;
pub mod badge;
pub mod form;
pub mod layout;
pub mod loaded;
pub mod password;
pub mod require_login;
pub mod table;
