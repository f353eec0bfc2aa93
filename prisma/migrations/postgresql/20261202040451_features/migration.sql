-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "duplicateOfId" INTEGER,
ADD COLUMN     "firstResponseDueAt" TIMESTAMP(3),
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
CREATE UNIQUE INDEX "Ticket_viewId_key" ON "Ticket"("viewId");

-- CreateIndex
CREATE INDEX "Ticket_duplicateOfId_idx" ON "Ticket"("duplicateOfId");

-- CreateIndex
CREATE INDEX "Ticket_resolvedAt_idx" ON "Ticket"("resolvedAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_priority_id_idx" ON "OutboxMessage"("status", "priority", "id");

-- AddForeignKey
ALTER TABLE "DeployStage" ADD CONSTRAINT "DeployStage_deployId_fkey" FOREIGN KEY ("deployId") REFERENCES "Deploy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
