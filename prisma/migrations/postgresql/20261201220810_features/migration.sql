-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "duplicateOfId" INTEGER,
ADD COLUMN     "firstResponseDueAt" TIMESTAMP(3),
ADD COLUMN     "rootPermalink" TEXT,
ADD COLUMN     "sourceChannelId" TEXT,
ADD COLUMN     "sourcePermalink" TEXT,
ADD COLUMN     "sourceTs" TEXT;

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

-- CreateIndex
CREATE INDEX "CoverRequest_status_from_idx" ON "CoverRequest"("status", "from");

-- CreateIndex
CREATE INDEX "Ticket_duplicateOfId_idx" ON "Ticket"("duplicateOfId");
