-- CreateTable
CREATE TABLE "MetricSample" (
    "subject" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "hostId" TEXT NOT NULL,
    "cpuPct" DOUBLE PRECISION NOT NULL,
    "cpuMaxPct" DOUBLE PRECISION NOT NULL,
    "cpuCapPct" DOUBLE PRECISION,
    "memBytes" DOUBLE PRECISION NOT NULL,
    "memLimitBytes" DOUBLE PRECISION,
    "swapBytes" DOUBLE PRECISION NOT NULL,
    "diskReadBps" DOUBLE PRECISION NOT NULL,
    "diskWriteBps" DOUBLE PRECISION NOT NULL,
    "diskReadIops" DOUBLE PRECISION NOT NULL,
    "diskWriteIops" DOUBLE PRECISION NOT NULL,
    "netRxBps" DOUBLE PRECISION NOT NULL,
    "netTxBps" DOUBLE PRECISION NOT NULL,
    "netRxPps" DOUBLE PRECISION NOT NULL,
    "netTxPps" DOUBLE PRECISION NOT NULL,
    "processes" DOUBLE PRECISION,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("subject","step","at")
);

-- CreateIndex
CREATE INDEX "MetricSample_step_at_idx" ON "MetricSample"("step", "at");
