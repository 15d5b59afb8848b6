/**
 * What a re-check calls for, drafted once into the case (never sent): for a URL still online, a reminder to the host
 * some days after its notice was sent, and each notice the routing rules planned `condition: still-online` (a
 * registrar notice) once it is due; for a URL removed, a short outcome message to each reporter who left an e-mail.
 * A planned still-online notice about a URL found removed expires instead. Each follow-up has an id derived from what
 * it follows, stored in the case: a second run, the same day or later, finds it and drafts nothing.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { toSeconds } from '../../core/clock.js';
import { writeFileAtomic } from '../../core/atomic.js';
import { ExitCode, VigieError } from '../../core/errors.js';
import { deriveNoticeId, recipientKey, type Notice } from '../../core/notice.js';
import { cleanUrl } from '../../net/index.js';
import { defangHost, isEmailAddress, parseYamlText, safeName, singleLine } from '../../notices/index.js';
import { writeDraft } from '../drafts.js';
import type { CaseStore, CheckEntry, FollowUpEntry, RecheckTarget, UrlNotice } from '../store/index.js';
import type { DraftFollowUps } from './run.js';

const DAY_MS = 86_400_000;
const FOLLOW_UP_URL = new URL('../../../data/recheck/follow-up.yaml', import.meta.url);
const REPORTER_TEMPLATES = new URL('../../../data/notices/templates/reporter/', import.meta.url);

export type ReporterLanguage = 'fr' | 'en';

export interface FollowUpOptions {
  /** Folder the drafts go to (the triage drafts folder: one folder per report). */
  dir: string;
  /** Days after a host notice was sent before a reminder is drafted; default from data/recheck/follow-up.yaml. */
  reminderAfterDays?: number;
  /** Language of the reporters' outcome messages. Default `fr`. */
  reporterLanguage?: ReporterLanguage;
  producer: string;
}

/** data/recheck/follow-up.yaml's `reminderAfterDays`: hotlines edit it there, `--remind-after` overrides it. */
export async function defaultReminderDays(): Promise<number> {
  const data = (await parseYamlText(readFileSync(FOLLOW_UP_URL, 'utf8'), 'data/recheck/follow-up.yaml')) as { reminderAfterDays?: unknown };
  const days = data?.reminderAfterDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1) {
    throw new VigieError('bad-follow-up-data', 'data/recheck/follow-up.yaml: reminderAfterDays must be a whole number of days, at least 1.', ExitCode.input);
  }
  return days;
}

/**
 * The notice a case row holds (a draft with validation issues is stored as `{ notice, issues }`); undefined for a
 * row that holds no notice the library made (recorded by hand, or by another tool), which is left alone.
 */
function noticeOf(entry: UrlNotice): Notice | undefined {
  const record = entry.record as Notice | { notice: Notice } | null;
  const notice = record && typeof record === 'object' && 'notice' in record ? record.notice : record;
  return notice && Array.isArray(notice.targets) && notice.routing ? notice : undefined;
}

/** The notice drafted at `now` with the URL's observation brought to this check: still online then, that status. */
function refreshed(notice: Notice, check: CheckEntry, now: string): Notice {
  const observedAt = toSeconds(check.checkedAt);
  return {
    ...notice,
    status: 'draft',
    createdAt: toSeconds(now),
    targets: notice.targets.map((target) =>
      target.url === check.url ? { ...target, observedAt, ...(check.status !== undefined && { httpStatus: check.status }) } : target,
    ),
  };
}

type Handlebars = typeof import('handlebars');

/** The drafter `runRecheck` calls after each stored check. */
export async function createFollowUps(options: FollowUpOptions): Promise<DraftFollowUps> {
  const reminderDays = options.reminderAfterDays ?? (await defaultReminderDays());
  const language = options.reporterLanguage ?? 'fr';
  const module = (await import('handlebars')) as Handlebars & { default?: Handlebars };
  const handlebars = (module.default ?? module).create();
  // Plain text, no helpers beyond Handlebars' own: the template is data and runs no code.
  const outcomeTemplate = handlebars.compile(readFileSync(new URL(`outcome.${language}.hbs`, REPORTER_TEMPLATES), 'utf8'), {
    noEscape: true,
    knownHelpersOnly: true,
  });

  /** Stores the follow-up unless it was drafted before; `write` makes its files only when it is new. */
  const once = async (store: CaseStore, id: string, entry: Omit<FollowUpEntry, 'id' | 'files'>, write: () => Promise<string[]>) => {
    if (await store.followUpExists(id)) return undefined;
    const followUp: FollowUpEntry = { id, ...entry, files: await write() };
    return (await store.recordFollowUp(followUp)) ? followUp : undefined;
  };

  return async (store, target: RecheckTarget, check, now) => {
    if (check.outcome !== 'online' && check.outcome !== 'removed') return [];
    const drafted: FollowUpEntry[] = [];
    const base = { url: target.url, draftedAt: now, producer: options.producer };
    const notices = await store.noticesOfUrl(target.url);
    if (check.outcome === 'online') {
      for (const entry of notices) {
        const notice = noticeOf(entry);
        if (!notice) continue;
        const planned = notice.routing.condition === 'still-online';
        if (entry.kind === 'host' && entry.sentAt && !planned && !notice.externalRefs.followsNotice) {
          if (Date.parse(now) < Date.parse(entry.sentAt) + reminderDays * DAY_MS) continue;
          const made = await once(store, `reminder:${entry.id}`, { ...base, kind: 'reminder', noticeId: entry.id }, async () => {
            const { sentAt: _unsent, ...unsent } = refreshed(notice, check, now);
            const reminder: Notice = {
              ...unsent,
              id: deriveNoticeId(notice.caseRef, `${recipientKey(notice.recipient)}#reminder`, 'host'),
              reference: `${notice.reference}-reminder`,
              externalRefs: { ...notice.externalRefs, followsNotice: entry.id },
            };
            const written = await writeDraft(reminder, notice.caseRef, options, `reminder-${notice.kind}-${notice.recipient.name}`);
            await store.recordNotice({ ...written, reportIds: await store.reportIdsOfNotice(entry.id) });
            return written.files;
          });
          if (made) drafted.push(made);
        } else if (planned && !entry.sentAt && entry.status === 'draft' && notice.routing.dueAt && Date.parse(notice.routing.dueAt) <= Date.parse(now)) {
          const made = await once(store, `notice:${entry.id}`, { ...base, kind: 'notice', noticeId: entry.id }, async () => {
            const written = await writeDraft(refreshed(notice, check, now), notice.caseRef, options);
            await store.recordNotice({ ...written, reportIds: await store.reportIdsOfNotice(entry.id) });
            return written.files;
          });
          if (made) drafted.push(made);
        }
      }
      return drafted;
    }
    const notifier = notices.map(noticeOf).find((notice) => notice?.notifier)?.notifier;
    const cleaned = cleanUrl(target.url);
    const host = cleaned.ok ? cleaned.value.asciiHost : '';
    // A planned "still-online" notice not sent and only about this URL will never be due: it expires, so that
    // nobody sends a registrar notice about content already gone.
    for (const entry of notices) {
      const notice = noticeOf(entry);
      if (notice?.routing.condition !== 'still-online' || entry.sentAt || entry.status !== 'draft') continue;
      if (!notice.targets.every((t) => t.url === target.url)) continue;
      const made = await once(store, `expired:${entry.id}`, { ...base, kind: 'notice-expired', noticeId: entry.id }, async () => {
        await store.expireNotice(entry.id, { ...notice, status: 'expired' });
        return [];
      });
      if (made) drafted.push(made);
    }
    for (const report of await store.reportsOfUrl(target.url)) {
      // Only a well-formed address is written to; a hostile one (line breaks, several addresses) is left to a person.
      if (!report.reporterEmail || !isEmailAddress(report.reporterEmail)) continue;
      const made = await once(store, `reporter-outcome:${report.id}`, { ...base, kind: 'reporter-outcome', reportId: report.id }, async () => {
        // Every value on one line: a report id or name with line breaks cannot add lines (a fake "To:") to the text.
        const view = Object.fromEntries(
          Object.entries({
            reporterEmail: report.reporterEmail,
            reportId: report.id,
            reportedOn: report.reportedAt.slice(0, 10),
            removedOn: check.checkedAt.slice(0, 10),
            host: defangHost(host),
            organisation: notifier?.organisation ?? '',
            contactEmail: notifier?.contactEmail ?? '',
          }).map(([key, value]) => [key, singleLine(String(value ?? ''))]),
        );
        const text = outcomeTemplate(view);
        const folder = safeName(report.id);
        await mkdir(join(options.dir, folder), { recursive: true });
        const name = `${folder}/reporter-outcome.${language}.txt`;
        await writeFileAtomic(join(options.dir, name), text);
        return [name];
      });
      if (made) drafted.push(made);
    }
    return drafted;
  };
}
