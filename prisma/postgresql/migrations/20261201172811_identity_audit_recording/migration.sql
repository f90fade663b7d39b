-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "lastUsedIp" TEXT,
ADD COLUMN     "permissions" TEXT;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "after" TEXT,
ADD COLUMN     "before" TEXT,
ADD COLUMN     "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "prevHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "seq" INTEGER;

-- Rows from before the chain keep their order as seq and an empty hash, and the API seals them
-- into the chain at start.
UPDATE "AuditEvent" AS a SET "seq" = o.n
  FROM (SELECT "id", ROW_NUMBER() OVER (ORDER BY "at", "id") AS n FROM "AuditEvent") AS o
  WHERE a."id" = o."id";
ALTER TABLE "AuditEvent" ALTER COLUMN "seq" SET NOT NULL,
ALTER COLUMN "hash" DROP DEFAULT,
ALTER COLUMN "prevHash" DROP DEFAULT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "ip" TEXT,
ADD COLUMN     "userAgent" TEXT;

-- CreateTable
CREATE TABLE "Role" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Role_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeValue" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Grant_pkey" PRIMARY KEY ("id")
);

-- Each user's one role becomes a console-wide grant, and "viewer" is now "auditor".
INSERT INTO "Grant" ("id", "userId", "role", "scope", "scopeValue")
  SELECT md5(random()::text || "id"), "id", CASE "role" WHEN 'viewer' THEN 'auditor' ELSE "role" END, 'all', '' FROM "User";

-- AlterTable
ALTER TABLE "User" DROP COLUMN "role",
ADD COLUMN     "disabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "passwordChangedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "totpEnabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "totpLastStep" INTEGER,
ADD COLUMN     "totpSecret" TEXT;

-- CreateTable
CREATE TABLE "RecoveryCode" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "RecoveryCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConsoleRecording" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "shellId" TEXT,
    "format" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "userId" TEXT,
    "actor" TEXT NOT NULL,
    "auditId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMP(3),
    "bytes" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ConsoleRecording_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecordingPolicy" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecordingPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Role_name_key" ON "Role"("name");

-- CreateIndex
CREATE INDEX "Grant_role_idx" ON "Grant"("role");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_userId_role_scope_scopeValue_key" ON "Grant"("userId", "role", "scope", "scopeValue");

-- CreateIndex
CREATE INDEX "RecoveryCode_userId_idx" ON "RecoveryCode"("userId");

-- CreateIndex
CREATE INDEX "ConsoleRecording_instanceId_idx" ON "ConsoleRecording"("instanceId");

-- CreateIndex
CREATE INDEX "ConsoleRecording_auditId_idx" ON "ConsoleRecording"("auditId");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingPolicy_scope_target_key" ON "RecordingPolicy"("scope", "target");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecoveryCode" ADD CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
