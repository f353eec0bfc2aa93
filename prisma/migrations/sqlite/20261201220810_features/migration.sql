-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "duplicateOfId" INTEGER;
ALTER TABLE "Ticket" ADD COLUMN "firstResponseDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "rootPermalink" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourceChannelId" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourcePermalink" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourceTs" TEXT;

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

-- CreateIndex
CREATE INDEX "CoverRequest_status_from_idx" ON "CoverRequest"("status", "from");

-- CreateIndex
CREATE INDEX "Ticket_duplicateOfId_idx" ON "Ticket"("duplicateOfId");
