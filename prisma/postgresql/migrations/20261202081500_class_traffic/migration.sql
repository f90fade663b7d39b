-- CreateTable
CREATE TABLE "ClassTraffic" (
    "subject" TEXT NOT NULL,
    "class" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "hostId" TEXT NOT NULL,
    "inBytes" DOUBLE PRECISION NOT NULL,
    "outBytes" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "ClassTraffic_pkey" PRIMARY KEY ("subject","class","step","t")
);

-- CreateIndex
CREATE INDEX "ClassTraffic_step_t_idx" ON "ClassTraffic"("step", "t");
