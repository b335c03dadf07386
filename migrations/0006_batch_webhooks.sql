-- Hand-edited after drizzle-kit: the copies select NULL for the new batch_id columns (the generated SELECT named them, and the old tables have none). No foreign keys point at the rebuilt webhook tables, so D1 ignoring PRAGMA foreign_keys is harmless here.
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`queued` integer NOT NULL,
	`running` integer NOT NULL,
	`completed` integer NOT NULL,
	`failed` integer NOT NULL,
	`canceled` integer NOT NULL,
	`percent` real NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `batches_owner_created` ON `batches` (`owner`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `batches_owner_status_created` ON `batches` (`owner`,`status`,`created_at`,`id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`trigger` text NOT NULL,
	`at` integer NOT NULL,
	`event_type` text NOT NULL,
	`job_id` text,
	`batch_id` text,
	`status_code` integer,
	`error` text,
	`latency_ms` integer NOT NULL,
	`response_body` text
);
--> statement-breakpoint
INSERT INTO `__new_webhook_attempts`("id", "delivery_id", "attempt", "trigger", "at", "event_type", "job_id", "batch_id", "status_code", "error", "latency_ms", "response_body") SELECT "id", "delivery_id", "attempt", "trigger", "at", "event_type", "job_id", NULL, "status_code", "error", "latency_ms", "response_body" FROM `webhook_attempts`;--> statement-breakpoint
DROP TABLE `webhook_attempts`;--> statement-breakpoint
ALTER TABLE `__new_webhook_attempts` RENAME TO `webhook_attempts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery` ON `webhook_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE INDEX `webhook_attempts_at` ON `webhook_attempts` (`at`);--> statement-breakpoint
CREATE TABLE `__new_webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`endpoint_id` text,
	`url` text NOT NULL,
	`job_id` text,
	`batch_id` text,
	`seq` integer NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`origin` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_webhook_deliveries`("id", "owner", "endpoint_id", "url", "job_id", "batch_id", "seq", "event_type", "payload", "origin", "status", "attempts", "created_at", "next_attempt_at") SELECT "id", "owner", "endpoint_id", "url", "job_id", NULL, "seq", "event_type", "payload", "origin", "status", "attempts", "created_at", "next_attempt_at" FROM `webhook_deliveries`;--> statement-breakpoint
DROP TABLE `webhook_deliveries`;--> statement-breakpoint
ALTER TABLE `__new_webhook_deliveries` RENAME TO `webhook_deliveries`;--> statement-breakpoint
CREATE INDEX `webhook_deliveries_endpoint` ON `webhook_deliveries` (`endpoint_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_job` ON `webhook_deliveries` (`owner`,`job_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_batch` ON `webhook_deliveries` (`owner`,`batch_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_created` ON `webhook_deliveries` (`created_at`);