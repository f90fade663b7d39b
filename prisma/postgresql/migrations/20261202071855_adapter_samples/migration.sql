-- CreateTable
CREATE TABLE "AdapterSample" (
    "subject" TEXT NOT NULL,
    "adapter" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "t" BIGINT NOT NULL,
    "hostId" TEXT NOT NULL,
    "rxBps" DOUBLE PRECISION NOT NULL,
    "txBps" DOUBLE PRECISION NOT NULL,
    "rxPps" DOUBLE PRECISION NOT NULL,
    "txPps" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "AdapterSample_pkey" PRIMARY KEY ("subject","adapter","step","t")
);

-- CreateIndex
CREATE INDEX "AdapterSample_step_t_idx" ON "AdapterSample"("step", "t");
