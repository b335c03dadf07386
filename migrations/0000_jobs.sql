CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`progress` real NOT NULL,
	`stage` text,
	`attempt` integer NOT NULL,
	`error` text,
	`output_key` text,
	`output_size` integer,
	`output_type` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_owner_created` ON `jobs` (`owner`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_owner_status_created` ON `jobs` (`owner`,`status`,`created_at`,`id`);