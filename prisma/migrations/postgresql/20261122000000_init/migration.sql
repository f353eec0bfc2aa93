-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Ticket" (
    "id" SERIAL NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "slaStartedAt" TIMESTAMP(3) NOT NULL,
    "slaDueAt" TIMESTAMP(3),
    "waitingSince" TIMESTAMP(3),
    "pauses" TEXT NOT NULL DEFAULT '[]',
    "breachedAt" TIMESTAMP(3),
    "firstResponseAt" TIMESTAMP(3),
    "firstResponderId" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "codeChangeNeeded" BOOLEAN,
    "incident" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketEvent" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',

    CONSTRAINT "TicketEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "ticketId" INTEGER,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "claimedBy" TEXT,
    "claimedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "doneAt" TIMESTAMP(3),
    "dedupKey" TEXT,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "orderingKey" TEXT,
    "method" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "ticketId" INTEGER,
    "onSent" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT,
    "claimedAt" TIMESTAMP(3),
    "lastError" TEXT,
    "resultTs" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "dedupKey" TEXT,

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessedDelivery" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProcessedDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deploy" (
    "id" SERIAL NOT NULL,
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
    "deployedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'api',
    "changeFailure" BOOLEAN NOT NULL DEFAULT false,
    "rolledBackAt" TIMESTAMP(3),
    "suspectWarnedAt" TIMESTAMP(3),

    CONSTRAINT "Deploy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeployLink" (
    "id" SERIAL NOT NULL,
    "deployId" INTEGER NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "verdict" TEXT NOT NULL DEFAULT 'suggested',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeployLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RotationOverride" (
    "id" SERIAL NOT NULL,
    "rotationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "to" TIMESTAMP(3) NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT,

    CONSTRAINT "RotationOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HandoffState" (
    "rotationId" TEXT NOT NULL,
    "announcedAt" TIMESTAMP(3) NOT NULL,
    "userId" TEXT,

    CONSTRAINT "HandoffState_pkey" PRIMARY KEY ("rotationId")
);

-- CreateTable
CREATE TABLE "HandoffNote" (
    "id" SERIAL NOT NULL,
    "rotationId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "HandoffNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Page" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "level" INTEGER NOT NULL DEFAULT 0,
    "at" TIMESTAMP(3) NOT NULL,
    "takenAt" TIMESTAMP(3),

    CONSTRAINT "Page_pkey" PRIMARY KEY ("id")
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

-- AddForeignKey
ALTER TABLE "TicketEvent" ADD CONSTRAINT "TicketEvent_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeployLink" ADD CONSTRAINT "DeployLink_deployId_fkey" FOREIGN KEY ("deployId") REFERENCES "Deploy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeployLink" ADD CONSTRAINT "DeployLink_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
