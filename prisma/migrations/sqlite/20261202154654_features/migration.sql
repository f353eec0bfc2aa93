-- DropIndex
DROP INDEX "Ticket_createdAt_idx";

-- DropIndex
DROP INDEX "TicketEvent_type_at_idx";

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "duplicateOfId" INTEGER;
ALTER TABLE "Ticket" ADD COLUMN "firstResponseDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "firstResponseMs" BIGINT;
ALTER TABLE "Ticket" ADD COLUMN "resolveMs" BIGINT;
ALTER TABLE "Ticket" ADD COLUMN "rootPermalink" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourceChannelId" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourcePermalink" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourceTs" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "viewId" TEXT;

-- AlterTable
ALTER TABLE "DeployLink" ADD COLUMN "stage" TEXT;

-- CreateTable
CREATE TABLE "DeployStage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deployId" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    CONSTRAINT "DeployStage_deployId_fkey" FOREIGN KEY ("deployId") REFERENCES "Deploy" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CoverRequest" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rotationId" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "from" DATETIME NOT NULL,
    "to" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "takenBy" TEXT,
    "createdAt" DATETIME NOT NULL,
    "closedAt" DATETIME
);

-- CreateTable
CREATE TABLE "HomeViewer" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "openedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SlackPace" (
    "lane" TEXT NOT NULL PRIMARY KEY,
    "nextAt" DATETIME NOT NULL,
    "pausedUntil" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orderingKey" TEXT,
    "method" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "ticketId" INTEGER,
    "onSent" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "claimedBy" TEXT,
    "claimedAt" DATETIME,
    "lastError" TEXT,
    "resultTs" TEXT,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "dedupKey" TEXT,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "firstAttemptAt" DATETIME
);
INSERT INTO "new_OutboxMessage" ("attempts", "claimedAt", "claimedBy", "createdAt", "dedupKey", "id", "lastError", "method", "nextAttemptAt", "onSent", "orderingKey", "payload", "resultTs", "sentAt", "status", "ticketId") SELECT "attempts", "claimedAt", "claimedBy", "createdAt", "dedupKey", "id", "lastError", "method", "nextAttemptAt", "onSent", "orderingKey", "payload", "resultTs", "sentAt", "status", "ticketId" FROM "OutboxMessage";
DROP TABLE "OutboxMessage";
ALTER TABLE "new_OutboxMessage" RENAME TO "OutboxMessage";
CREATE UNIQUE INDEX "OutboxMessage_dedupKey_key" ON "OutboxMessage"("dedupKey");
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");
CREATE INDEX "OutboxMessage_status_priority_id_idx" ON "OutboxMessage"("status", "priority", "id");
CREATE INDEX "OutboxMessage_orderingKey_status_id_idx" ON "OutboxMessage"("orderingKey", "status", "id");
CREATE TABLE "new_Deploy" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "externalId" TEXT,
    "dedupKey" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "commit" TEXT,
    "author" TEXT,
    "mergedBy" TEXT,
    "url" TEXT,
    "environment" TEXT NOT NULL DEFAULT 'production',
    "status" TEXT NOT NULL,
    "deployedAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'api',
    "changeFailure" BOOLEAN NOT NULL DEFAULT false,
    "rolledBackAt" DATETIME,
    "suspectWarnedAt" DATETIME,
    "stage" TEXT,
    "outsideWindow" BOOLEAN NOT NULL DEFAULT false,
    "compareUrl" TEXT
);
INSERT INTO "new_Deploy" ("author", "changeFailure", "commit", "createdAt", "dedupKey", "deployedAt", "environment", "externalId", "id", "mergedBy", "rolledBackAt", "service", "source", "status", "suspectWarnedAt", "url", "version") SELECT "author", "changeFailure", "commit", "createdAt", "dedupKey", "deployedAt", "environment", "externalId", "id", "mergedBy", "rolledBackAt", "service", "source", "status", "suspectWarnedAt", "url", "version" FROM "Deploy";
DROP TABLE "Deploy";
ALTER TABLE "new_Deploy" RENAME TO "Deploy";
CREATE UNIQUE INDEX "Deploy_externalId_key" ON "Deploy"("externalId");
CREATE UNIQUE INDEX "Deploy_dedupKey_key" ON "Deploy"("dedupKey");
CREATE INDEX "Deploy_service_deployedAt_idx" ON "Deploy"("service", "deployedAt");
CREATE INDEX "Deploy_environment_deployedAt_idx" ON "Deploy"("environment", "deployedAt");
CREATE INDEX "Deploy_service_environment_version_idx" ON "Deploy"("service", "environment", "version");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "DeployStage_deployId_stage_key" ON "DeployStage"("deployId", "stage");

-- CreateIndex
CREATE INDEX "CoverRequest_status_from_idx" ON "CoverRequest"("status", "from");

-- CreateIndex
CREATE INDEX "HomeViewer_openedAt_idx" ON "HomeViewer"("openedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_viewId_key" ON "Ticket"("viewId");

-- CreateIndex
CREATE INDEX "Ticket_channelId_rootTs_idx" ON "Ticket"("channelId", "rootTs");

-- CreateIndex
CREATE INDEX "Ticket_reporterId_status_idx" ON "Ticket"("reporterId", "status");

-- CreateIndex
CREATE INDEX "Ticket_ownerId_status_idx" ON "Ticket"("ownerId", "status");

-- CreateIndex
CREATE INDEX "Ticket_duplicateOfId_idx" ON "Ticket"("duplicateOfId");

-- CreateIndex
CREATE INDEX "Ticket_createdAt_priority_idx" ON "Ticket"("createdAt", "priority");

-- CreateIndex
CREATE INDEX "Ticket_resolvedCohort_idx" ON "Ticket"("status", "duplicateOfId", "resolvedAt", "priority", "resolveMs", "incident", "service", "codeChangeNeeded", "breachedAt", "slaDueAt");

-- CreateIndex
CREATE INDEX "Ticket_firstResponseAt_firstResponseMs_idx" ON "Ticket"("firstResponseAt", "firstResponseMs");

-- CreateIndex
CREATE INDEX "TicketEvent_type_at_ticketId_idx" ON "TicketEvent"("type", "at", "ticketId");

-- CreateIndex
CREATE INDEX "TicketEvent_type_actorId_at_ticketId_idx" ON "TicketEvent"("type", "actorId", "at", "ticketId");
