-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "duplicateOfId" INTEGER;
ALTER TABLE "Ticket" ADD COLUMN "rootPermalink" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourceChannelId" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourcePermalink" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "sourceTs" TEXT;

-- CreateIndex
CREATE INDEX "Ticket_duplicateOfId_idx" ON "Ticket"("duplicateOfId");
