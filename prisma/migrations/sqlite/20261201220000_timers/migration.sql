-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "firstResponseDueAt" DATETIME;

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
