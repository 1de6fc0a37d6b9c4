// Account emails (team invitations, password links) through the same Cloudflare email binding and
// sender that alerts use. Where the install has none, nothing is sent and the page shows the link
// for the admin to hand over instead; a failed send is logged and reported, never fatal, since the
// link was shown once already.
import { alertEmailBinding, loadConfig } from "../env";

export type EmailChannel = { binding: SendEmail; from: string };

export type AccountEmail = { to: string; subject: string; text: string };

/** The binding and a sender, both, or nothing. */
export function accountEmailChannel(env: Env): EmailChannel | undefined {
  const binding = alertEmailBinding(env);
  const from = loadConfig(env).alertEmailFrom;
  return binding && from ? { binding, from } : undefined;
}

/** True when the message was handed to the binding. */
export async function sendAccountEmail(channel: EmailChannel | undefined, message: AccountEmail): Promise<boolean> {
  if (!channel) return false;
  try {
    await channel.binding.send({ from: channel.from, to: message.to, subject: message.subject, text: message.text });
    return true;
  } catch (err) {
    console.warn(`account email to ${message.to} not sent: ${(err as Error).message}`);
    return false;
  }
}
