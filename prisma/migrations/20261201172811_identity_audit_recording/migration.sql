-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN "lastUsedIp" TEXT;
ALTER TABLE "ApiToken" ADD COLUMN "permissions" TEXT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN "ip" TEXT;
ALTER TABLE "Session" ADD COLUMN "userAgent" TEXT;

-- CreateTable
CREATE TABLE "Role" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "permissions" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Grant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeValue" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Grant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RecoveryCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConsoleRecording" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "hostId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "shellId" TEXT,
    "format" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "userId" TEXT,
    "actor" TEXT NOT NULL,
    "auditId" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    "bytes" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "RecordingPolicy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AuditEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "before" TEXT,
    "after" TEXT,
    "taskId" TEXT,
    "ip" TEXT
);
-- Rows from before the chain keep their order as seq and an empty hash; the API seals them
-- into the chain at start (SQL has no SHA-256 here).
INSERT INTO "new_AuditEvent" ("seq", "prevHash", "hash", "action", "actor", "at", "detail", "id", "ip", "outcome", "targetId", "targetType", "taskId", "userId") SELECT (SELECT COUNT(*) FROM "AuditEvent" AS b WHERE b."at" < a."at" OR (b."at" = a."at" AND b."id" <= a."id")), '', '', "action", "actor", "at", "detail", "id", "ip", "outcome", "targetId", "targetType", "taskId", "userId" FROM "AuditEvent" AS a;
DROP TABLE "AuditEvent";
ALTER TABLE "new_AuditEvent" RENAME TO "AuditEvent";
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "totpSecret" TEXT,
    "totpEnabled" BOOLEAN NOT NULL DEFAULT false,
    "totpLastStep" INTEGER,
    "passwordChangedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_User" ("createdAt", "id", "passwordHash", "username") SELECT "createdAt", "id", "passwordHash", "username" FROM "User";
-- Each user's one role becomes a console-wide grant; "viewer" is now "auditor".
INSERT INTO "Grant" ("id", "userId", "role", "scope", "scopeValue") SELECT lower(hex(randomblob(16))), "id", CASE "role" WHEN 'viewer' THEN 'auditor' ELSE "role" END, 'all', '' FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

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
