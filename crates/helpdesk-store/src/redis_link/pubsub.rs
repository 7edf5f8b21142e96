//! Hearing what the other gateways publish: plain pub/sub on one node,
//! sharded pub/sub on a cluster.

use futures::StreamExt;
use futures::stream::BoxStream;
use redis::{PushKind, RedisResult};

use super::{Client, RedisLink, cluster_client};

impl RedisLink {
    /// The payloads published on `channel` from now on. The stream ends
    /// when the subscription is lost; the caller subscribes again.
    ///
    /// On a cluster the subscription is `SSUBSCRIBE` on the node that owns
    /// the channel's slot, over a connection of its own whose client
    /// subscribes again by itself when that node comes back.
    pub(crate) async fn subscribe(&self, channel: &str) -> RedisResult<BoxStream<'static, String>> {
        match &self.client {
            Client::Node(client) => {
                let mut pubsub = client.get_async_pubsub().await?;
                pubsub.subscribe(channel).await?;
                Ok(pubsub.into_on_message().map(|m| m.get_payload::<String>().unwrap_or_default()).boxed())
            }
            Client::Cluster(_, nodes) => {
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                let mut conn = cluster_client(nodes, self.timeout, Some(tx))?.get_async_connection().await?;
                conn.ssubscribe(channel).await?;
                // The stream owns the connection: dropping it unsubscribes.
                let messages = futures::stream::unfold((rx, conn), |(mut rx, conn)| async move {
                    loop {
                        let push = rx.recv().await?;
                        // Other pushes say a node disconnected or confirm a subscription.
                        if push.kind == PushKind::SMessage
                            && let Some(payload) = push.data.into_iter().nth(1)
                        {
                            let payload = redis::from_redis_value::<String>(payload).unwrap_or_default();
                            return Some((payload, (rx, conn)));
                        }
                    }
                });
                Ok(messages.boxed())
            }
        }
    }
}
