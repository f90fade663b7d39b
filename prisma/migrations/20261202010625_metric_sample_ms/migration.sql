-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_MetricSample" (
    "subject" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
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

    PRIMARY KEY ("subject", "step", "t")
);
-- Kept rows move over: the ISO text "at" becomes ms since the epoch, values rounded as now written.
INSERT INTO "new_MetricSample" ("subject", "step", "t", "hostId", "cpuPct", "cpuMaxPct", "cpuCapPct", "memBytes", "memLimitBytes", "swapBytes", "diskReadBps", "diskWriteBps", "diskReadIops", "diskWriteIops", "netRxBps", "netTxBps", "netRxPps", "netTxPps", "processes")
SELECT "subject", "step", CAST(ROUND((julianday("at") - 2440587.5) * 86400000) AS INTEGER), "hostId", ROUND("cpuPct", 2), ROUND("cpuMaxPct", 2), ROUND("cpuCapPct", 2), ROUND("memBytes", 2), ROUND("memLimitBytes", 2), ROUND("swapBytes", 2), ROUND("diskReadBps", 2), ROUND("diskWriteBps", 2), ROUND("diskReadIops", 2), ROUND("diskWriteIops", 2), ROUND("netRxBps", 2), ROUND("netTxBps", 2), ROUND("netRxPps", 2), ROUND("netTxPps", 2), ROUND("processes", 2) FROM "MetricSample";
DROP TABLE "MetricSample";
ALTER TABLE "new_MetricSample" RENAME TO "MetricSample";
CREATE INDEX "MetricSample_step_t_idx" ON "MetricSample"("step", "t");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
