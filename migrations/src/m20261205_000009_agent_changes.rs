//! Every change to an agent or its roles is announced on PostgreSQL's
//! `helpdesk_agents` channel (`NOTIFY`), with the agent's ID, whoever made
//! it: a gateway, another gateway, a partner's provisioning script, an
//! operator's SQL.
//!
//! Each gateway listens, so it may keep an agent and its roles in memory (one
//! statement fewer on every request) and still drop them as soon as the
//! database commits a change: a role taken away applies within the
//! notification's delay everywhere. The notification is sent when the
//! transaction commits, never for one that rolls back. SQLite has no
//! notifications: there the gateway reads the agent on every request.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel, as the store listens to it.
pub const CHANNEL: &str = "helpdesk_agents";

const UP: &str = r#"
CREATE OR REPLACE FUNCTION helpdesk_notify_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TG_ARGV[0] names the column that holds the agent's ID in this table.
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('helpdesk_agents', to_jsonb(OLD) ->> TG_ARGV[0]);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('helpdesk_agents', to_jsonb(NEW) ->> TG_ARGV[0]);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION helpdesk_notify_all_agents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('helpdesk_agents', '*');
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS agents_changed ON agents;
CREATE TRIGGER agents_changed AFTER INSERT OR UPDATE OR DELETE ON agents
    FOR EACH ROW EXECUTE FUNCTION helpdesk_notify_agent('id');
DROP TRIGGER IF EXISTS agent_roles_changed ON agent_roles;
CREATE TRIGGER agent_roles_changed AFTER INSERT OR UPDATE OR DELETE ON agent_roles
    FOR EACH ROW EXECUTE FUNCTION helpdesk_notify_agent('agent_id');
DROP TRIGGER IF EXISTS agents_truncated ON agents;
CREATE TRIGGER agents_truncated AFTER TRUNCATE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_notify_all_agents();
DROP TRIGGER IF EXISTS agent_roles_truncated ON agent_roles;
CREATE TRIGGER agent_roles_truncated AFTER TRUNCATE ON agent_roles
    FOR EACH STATEMENT EXECUTE FUNCTION helpdesk_notify_all_agents();
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS agents_changed ON agents;
DROP TRIGGER IF EXISTS agent_roles_changed ON agent_roles;
DROP TRIGGER IF EXISTS agents_truncated ON agents;
DROP TRIGGER IF EXISTS agent_roles_truncated ON agent_roles;
DROP FUNCTION IF EXISTS helpdesk_notify_agent();
DROP FUNCTION IF EXISTS helpdesk_notify_all_agents();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared(UP).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DatabaseBackend::Postgres {
            m.get_connection().execute_unprepared(DOWN).await?;
        }
        Ok(())
    }
}
