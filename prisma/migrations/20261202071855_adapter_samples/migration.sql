-- CreateTable
CREATE TABLE "AdapterSample" (
    "subject" TEXT NOT NULL,
    "adapter" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "hostId" TEXT NOT NULL,
    "rxBps" REAL NOT NULL,
    "txBps" REAL NOT NULL,
    "rxPps" REAL NOT NULL,
    "txPps" REAL NOT NULL,

    PRIMARY KEY ("subject", "adapter", "step", "t")
);

-- CreateIndex
CREATE INDEX "AdapterSample_step_t_idx" ON "AdapterSample"("step", "t");
