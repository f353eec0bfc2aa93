-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "duplicateOfId" INTEGER,
ADD COLUMN     "rootPermalink" TEXT,
ADD COLUMN     "sourceChannelId" TEXT,
ADD COLUMN     "sourcePermalink" TEXT,
ADD COLUMN     "sourceTs" TEXT;

-- CreateIndex
CREATE INDEX "Ticket_duplicateOfId_idx" ON "Ticket"("duplicateOfId");
