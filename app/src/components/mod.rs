pub mod apps;
pub mod form;
pub mod layout;
pub mod password;
pub mod title;
