-- CreateTable
CREATE TABLE "Ticket" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "link" TEXT,
    "reporterId" TEXT NOT NULL,
    "ownerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "channelId" TEXT NOT NULL,
    "rootTs" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "slaStartedAt" DATETIME NOT NULL,
    "slaDueAt" DATETIME,
    "waitingSince" DATETIME,
    "pauses" TEXT NOT NULL DEFAULT '[]',
    "breachedAt" DATETIME,
    "firstResponseAt" DATETIME,
    "firstResponderId" TEXT,
    "resolvedAt" DATETIME,
    "resolution" TEXT,
    "codeChangeNeeded" BOOLEAN,
    "incident" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "TicketEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" TEXT,
    "at" DATETIME NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "TicketEvent_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Job" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "ticketId" INTEGER,
    "dueAt" DATETIME NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "claimedBy" TEXT,
    "claimedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "doneAt" DATETIME,
    "dedupKey" TEXT
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
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
    "dedupKey" TEXT
);

-- CreateTable
CREATE TABLE "ProcessedDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Deploy" (
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
    "suspectWarnedAt" DATETIME
);

-- CreateTable
CREATE TABLE "DeployLink" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "deployId" INTEGER NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT 'suggested',
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "DeployLink_deployId_fkey" FOREIGN KEY ("deployId") REFERENCES "Deploy" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "DeployLink_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RotationOverride" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rotationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "from" DATETIME NOT NULL,
    "to" DATETIME NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "reason" TEXT
);

-- CreateTable
CREATE TABLE "HandoffState" (
    "rotationId" TEXT NOT NULL PRIMARY KEY,
    "announcedAt" DATETIME NOT NULL,
    "userId" TEXT
);

-- CreateTable
CREATE TABLE "HandoffNote" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rotationId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "usedAt" DATETIME
);

-- CreateTable
CREATE TABLE "Page" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "level" INTEGER NOT NULL DEFAULT 0,
    "at" DATETIME NOT NULL,
    "takenAt" DATETIME
);

-- CreateIndex
CREATE INDEX "Ticket_status_idx" ON "Ticket"("status");

-- CreateIndex
CREATE INDEX "Ticket_service_status_idx" ON "Ticket"("service", "status");

-- CreateIndex
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");

-- CreateIndex
CREATE INDEX "TicketEvent_ticketId_at_idx" ON "TicketEvent"("ticketId", "at");

-- CreateIndex
CREATE INDEX "TicketEvent_type_at_idx" ON "TicketEvent"("type", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Job_dedupKey_key" ON "Job"("dedupKey");

-- CreateIndex
CREATE INDEX "Job_status_dueAt_idx" ON "Job"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Job_ticketId_idx" ON "Job"("ticketId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupKey_key" ON "OutboxMessage"("dedupKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_orderingKey_status_id_idx" ON "OutboxMessage"("orderingKey", "status", "id");

-- CreateIndex
CREATE INDEX "ProcessedDelivery_at_idx" ON "ProcessedDelivery"("at");

-- CreateIndex
CREATE UNIQUE INDEX "Deploy_externalId_key" ON "Deploy"("externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Deploy_dedupKey_key" ON "Deploy"("dedupKey");

-- CreateIndex
CREATE INDEX "Deploy_service_deployedAt_idx" ON "Deploy"("service", "deployedAt");

-- CreateIndex
CREATE INDEX "Deploy_environment_deployedAt_idx" ON "Deploy"("environment", "deployedAt");

-- CreateIndex
CREATE INDEX "Deploy_service_environment_version_idx" ON "Deploy"("service", "environment", "version");

-- CreateIndex
CREATE INDEX "DeployLink_ticketId_idx" ON "DeployLink"("ticketId");

-- CreateIndex
CREATE UNIQUE INDEX "DeployLink_deployId_ticketId_key" ON "DeployLink"("deployId", "ticketId");

-- CreateIndex
CREATE INDEX "RotationOverride_rotationId_from_idx" ON "RotationOverride"("rotationId", "from");

-- CreateIndex
CREATE INDEX "HandoffNote_rotationId_createdAt_idx" ON "HandoffNote"("rotationId", "createdAt");

-- CreateIndex
CREATE INDEX "Page_at_idx" ON "Page"("at");

-- CreateIndex
CREATE INDEX "Page_ticketId_idx" ON "Page"("ticketId");
