-- DropIndex
DROP INDEX "Ticket_createdAt_idx";

-- DropIndex
DROP INDEX "TicketEvent_type_at_idx";

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "duplicateOfId" INTEGER,
ADD COLUMN     "firstResponseDueAt" TIMESTAMP(3),
ADD COLUMN     "firstResponseMs" BIGINT,
ADD COLUMN     "resolveMs" BIGINT,
ADD COLUMN     "rootPermalink" TEXT,
ADD COLUMN     "sourceChannelId" TEXT,
ADD COLUMN     "sourcePermalink" TEXT,
ADD COLUMN     "sourceTs" TEXT,
ADD COLUMN     "viewId" TEXT;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "firstAttemptAt" TIMESTAMP(3),
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Deploy" ADD COLUMN     "compareUrl" TEXT,
ADD COLUMN     "outsideWindow" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "stage" TEXT;

-- AlterTable
ALTER TABLE "DeployLink" ADD COLUMN     "stage" TEXT;

-- CreateTable
CREATE TABLE "DeployStage" (
    "id" SERIAL NOT NULL,
    "deployId" INTEGER NOT NULL,
    "stage" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeployStage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CoverRequest" (
    "id" SERIAL NOT NULL,
    "rotationId" TEXT NOT NULL,
    "requesterId" TEXT NOT NULL,
    "from" TIMESTAMP(3) NOT NULL,
    "to" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "takenBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "CoverRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeViewer" (
    "userId" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HomeViewer_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "SlackPace" (
    "lane" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,
    "pausedUntil" TIMESTAMP(3),

    CONSTRAINT "SlackPace_pkey" PRIMARY KEY ("lane")
);

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

-- CreateIndex
CREATE INDEX "OutboxMessage_status_priority_id_idx" ON "OutboxMessage"("status", "priority", "id");

-- AddForeignKey
ALTER TABLE "DeployStage" ADD CONSTRAINT "DeployStage_deployId_fkey" FOREIGN KEY ("deployId") REFERENCES "Deploy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
