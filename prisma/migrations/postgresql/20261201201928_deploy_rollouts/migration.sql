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

-- CreateIndex
CREATE UNIQUE INDEX "DeployStage_deployId_stage_key" ON "DeployStage"("deployId", "stage");

-- AddForeignKey
ALTER TABLE "DeployStage" ADD CONSTRAINT "DeployStage_deployId_fkey" FOREIGN KEY ("deployId") REFERENCES "Deploy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
