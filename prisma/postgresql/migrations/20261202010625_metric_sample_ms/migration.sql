-- "at" becomes "t", ms since the epoch: kept rows are converted, values rounded as now written.
DROP INDEX "MetricSample_step_at_idx";

ALTER TABLE "MetricSample" DROP CONSTRAINT "MetricSample_pkey",
ADD COLUMN "t" BIGINT;

UPDATE "MetricSample" SET "t" = ROUND(EXTRACT(EPOCH FROM "at") * 1000)::BIGINT, "cpuPct" = ROUND("cpuPct"::numeric, 2), "cpuMaxPct" = ROUND("cpuMaxPct"::numeric, 2), "cpuCapPct" = ROUND("cpuCapPct"::numeric, 2), "memBytes" = ROUND("memBytes"::numeric, 2), "memLimitBytes" = ROUND("memLimitBytes"::numeric, 2), "swapBytes" = ROUND("swapBytes"::numeric, 2), "diskReadBps" = ROUND("diskReadBps"::numeric, 2), "diskWriteBps" = ROUND("diskWriteBps"::numeric, 2), "diskReadIops" = ROUND("diskReadIops"::numeric, 2), "diskWriteIops" = ROUND("diskWriteIops"::numeric, 2), "netRxBps" = ROUND("netRxBps"::numeric, 2), "netTxBps" = ROUND("netTxBps"::numeric, 2), "netRxPps" = ROUND("netRxPps"::numeric, 2), "netTxPps" = ROUND("netTxPps"::numeric, 2), "processes" = ROUND("processes"::numeric, 2);

ALTER TABLE "MetricSample" DROP COLUMN "at",
ALTER COLUMN "t" SET NOT NULL,
ADD CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("subject", "step", "t");

-- CreateIndex
CREATE INDEX "MetricSample_step_t_idx" ON "MetricSample"("step", "t");
