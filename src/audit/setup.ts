import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../observability/logger.js';
import { createLogBackend } from './log-backend.js';
import { newPolicyRuleEvaluator, type PolicyRuleEvaluator } from './policy-checker.js';
import type { LoadedPolicy } from './policy-loader.js';
import type { AuditSink } from './types.js';

/** kube's audit flags, validated: the loaded policy and the log backend's settings. */
export interface AuditFlags {
  policy: LoadedPolicy;
  /** A file, or "-" for standard output. */
  logPath: string;
  maxAgeDays: number;
  maxBackups: number;
  maxSizeMB: number;
}

/**
 * The audit filter's policy evaluator and log backend from the flags. As
 * kube's ensureLogFile, the log file is created (0600) before anything
 * listens, so a path that cannot be written stops the start.
 */
export function createAudit(flags: AuditFlags, logger: Logger): { sink: AuditSink; evaluate: PolicyRuleEvaluator } {
  for (const w of flags.policy.warnings) logger.warn('Audit policy contains errors, falling back to lenient decoding', { err: w });
  if (flags.logPath !== '-') {
    try {
      mkdirSync(dirname(flags.logPath), { recursive: true, mode: 0o700 });
      closeSync(openSync(flags.logPath, 'a', 0o600));
    } catch (err) {
      throw new Error(`--audit-log-path: cannot write ${JSON.stringify(flags.logPath)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  const sink = createLogBackend({
    path: flags.logPath,
    maxAgeDays: flags.maxAgeDays,
    maxBackups: flags.maxBackups,
    maxSizeMB: flags.maxSizeMB,
    onError: (err) => logger.error('audit log write failed', { err: err.message }),
  });
  logger.info('auditing', { policyRules: flags.policy.policy.rules.length, logPath: flags.logPath });
  return { sink, evaluate: newPolicyRuleEvaluator(flags.policy.policy) };
}
