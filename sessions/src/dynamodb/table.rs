//! Creating the sessions table, for local runs (`--create-table`); in
//! production the deployment template creates it.

use super::{classify, item, DynamoStore};
use crate::store::StoreError;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, TableStatus,
    TimeToLiveSpecification,
};
use std::time::Duration;

impl DynamoStore {
    /// Creates the table if it does not exist (on-demand billing, key
    /// `session_id`, TTL on `expires_at`) and waits until it is active.
    /// Returns whether it created it.
    pub async fn create_table(&self) -> Result<bool, StoreError> {
        if self.table_status().await?.is_some() {
            self.wait_active().await?;
            return Ok(false);
        }
        let created = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(item::KEY)
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .expect("name and type are set"),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name(item::KEY)
                    .key_type(KeyType::Hash)
                    .build()
                    .expect("name and key type are set"),
            )
            .send()
            .await;
        let created = match created {
            Ok(_) => true,
            // Another process created it meanwhile.
            Err(err) if err.code() == Some("ResourceInUseException") => false,
            Err(err) => return Err(classify(err)),
        };
        self.wait_active().await?;
        if created {
            self.client
                .update_time_to_live()
                .table_name(&self.table)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(item::EXPIRES_AT)
                        .enabled(true)
                        .build()
                        .expect("name and flag are set"),
                )
                .send()
                .await
                .map_err(classify)?;
        }
        Ok(created)
    }

    async fn table_status(&self) -> Result<Option<TableStatus>, StoreError> {
        match self.client.describe_table().table_name(&self.table).send().await {
            Ok(out) => Ok(out.table().and_then(|t| t.table_status().cloned())),
            Err(err) if err.code() == Some("ResourceNotFoundException") => Ok(None),
            Err(err) => Err(classify(err)),
        }
    }

    async fn wait_active(&self) -> Result<(), StoreError> {
        for _ in 0..120 {
            if self.table_status().await? == Some(TableStatus::Active) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(StoreError::Rejected(format!("table {} did not become active within a minute", self.table).into()))
    }
}
