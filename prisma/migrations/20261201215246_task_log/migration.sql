-- CreateTable
CREATE TABLE "TaskLogLine" (
    "taskId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "progress" INTEGER,
    "command" TEXT,
    "failed" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("taskId", "seq")
);
