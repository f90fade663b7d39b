-- CreateTable
CREATE TABLE "ClassTraffic" (
    "subject" TEXT NOT NULL,
    "class" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "hostId" TEXT NOT NULL,
    "inBytes" REAL NOT NULL,
    "outBytes" REAL NOT NULL,

    PRIMARY KEY ("subject", "class", "step", "t")
);

-- CreateIndex
CREATE INDEX "ClassTraffic_step_t_idx" ON "ClassTraffic"("step", "t");
