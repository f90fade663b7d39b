-- CreateTable
CREATE TABLE "TaskLogLine" (
    "taskId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "type" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "progress" INTEGER,
    "command" TEXT,
    "failed" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "TaskLogLine_pkey" PRIMARY KEY ("taskId","seq")
);
