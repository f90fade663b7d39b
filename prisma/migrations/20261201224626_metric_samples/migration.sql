-- CreateTable
CREATE TABLE "MetricSample" (
    "subject" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "hostId" TEXT NOT NULL,
    "cpuPct" REAL NOT NULL,
    "cpuMaxPct" REAL NOT NULL,
    "cpuCapPct" REAL,
    "memBytes" REAL NOT NULL,
    "memLimitBytes" REAL,
    "swapBytes" REAL NOT NULL,
    "diskReadBps" REAL NOT NULL,
    "diskWriteBps" REAL NOT NULL,
    "diskReadIops" REAL NOT NULL,
    "diskWriteIops" REAL NOT NULL,
    "netRxBps" REAL NOT NULL,
    "netTxBps" REAL NOT NULL,
    "netRxPps" REAL NOT NULL,
    "netTxPps" REAL NOT NULL,
    "processes" REAL,

    PRIMARY KEY ("subject", "step", "at")
);

-- CreateIndex
CREATE INDEX "MetricSample_step_at_idx" ON "MetricSample"("step", "at");
