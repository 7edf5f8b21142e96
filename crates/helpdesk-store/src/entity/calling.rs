//! Devices and phone numbers.

#![allow(missing_docs)]

pub mod devices {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "devices")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub partner_id: Uuid,
        pub customer_id: Uuid,
        pub owner_user_id: Option<Uuid>,
        pub owner_place: Option<String>,
        pub mac: Option<String>,
        pub serial: Option<String>,
        pub sip_address: Option<String>,
        pub primary_number: Option<String>,
        pub model: String,
        pub third_party: bool,
        pub status: String,
        pub last_seen_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod phone_numbers {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "phone_numbers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub partner_id: Uuid,
        pub customer_id: Uuid,
        pub number: String,
        pub kind: String,
        pub state: String,
        pub assigned_user_id: Option<Uuid>,
        pub assigned_device_id: Option<Uuid>,
        pub assigned_name: Option<String>,
        pub location: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
