// Who you are to Agora, and the whole of it as one file to download.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExportData, Me, Role } from '../../../shared/schemas/index.js';
import { accountApi } from '../account-api.js';
import { FormError, useSubmit } from '../forms.js';
import { when } from '../format.js';
import { Section } from './section.js';

const ROLE_LABEL: Record<Role, string> = { member: 'Member', moderator: 'Moderator', admin: 'Administrator' };

export function ProfileSection({ me, data }: { me: Me; data: ExportData }) {
  const ban = data.user.ban;
  return (
    <Section id="profile" title="Profile">
      <dl class="data-list">
        <dt>Username</dt><dd data-testid="profile-username">{me.username}</dd>
        <dt>E-mail address</dt><dd data-testid="profile-email">{me.email} <span class="meta">(never shown to anyone)</span></dd>
        <dt>Role</dt><dd>{ROLE_LABEL[me.role]}</dd>
        <dt>Joined</dt><dd>{when(me.createdAt)}</dd>
        <dt>Account status</dt>
        <dd>{ban ? <span class="banned">Banned {ban.until ? `until ${when(ban.until)}` : 'with no end date'}: {ban.reason}</span> : 'In good standing'}</dd>
        {me.referralCode && <><dt>Invitation code</dt><dd><code>{me.referralCode}</code></dd></>}
        <dt>People who joined with your invitation</dt><dd data-testid="referral-count">{data.referrals.signups}</dd>
      </dl>
    </Section>
  );
}

export function DownloadSection() {
  const [file, setFile] = useState<{ url: string; size: number; at: string } | null>(null);
  const [start, setStart] = useState(false);
  const link = useRef<HTMLAnchorElement>(null);
  const { busy, formError, submit } = useSubmit(accountApi.exportData, (data) => {
    const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: 'application/json' });
    setFile({ url: URL.createObjectURL(blob), size: blob.size, at: data.exportedAt });
    setStart(true);
  });
  useEffect(() => () => void (file && URL.revokeObjectURL(file.url)), [file]);
  useEffect(() => {
    if (!start || !file) return;
    setStart(false);
    link.current?.click();
  }, [start, file]);
  return (
    <Section id="download" title="Download my data">
      <p>One JSON file with everything on this page: your profile, posts, threads, flags, invitations, sessions and testimonials.</p>
      <FormError>{formError}</FormError>
      <div class="actions">
        {/* aria-disabled while preparing: the button stays, and keeps the keyboard's focus (useSubmit refuses a second press). */}
        <button type="button" onClick={() => void submit()} aria-disabled={busy || undefined}>{busy ? 'Preparing…' : 'Download my data'}</button>
      </div>
      <p role="status" class="outcome" data-testid="download-status">
        {file && (
          <>
            Your data as of {when(file.at)} is ready.{' '}
            {/* The router must not take this link over: it is a file, not a page. */}
            <a ref={link} href={file.url} download="agora-export.json" onClick={(e) => e.stopPropagation()}>
              Save agora-export.json ({Math.max(1, Math.round(file.size / 1024))} KB)
            </a>
          </>
        )}
      </p>
    </Section>
  );
}
