// Request Tracker has no webhooks in core (nothing in rt-5.0.8 lib/, etc/ or docs/): a Scrip with
// a user-defined action posts the ticket id to a URL that holds our secret. Nothing is signed,
// so an event is a hint and the ticket is re-read by id through REST2.
import { z } from "zod";
import type { ConnectorWebhook } from "../contract";

/** What the Scrip below sends. */
const scripSchema = z.looseObject({
  ticket: z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,15}$/, "must be a ticket id")]),
});

const scrip = (url: string) => `# Lockstep: tell Lockstep this ticket changed; Lockstep then re-reads it through REST2.
my $lockstep_user = 'lockstep';   # the RT user Lockstep signs in as: its own changes need no call
return 1 if $self->TransactionObj->CreatorObj->Name eq $lockstep_user;
require HTTP::Tiny;
require JSON;
my $body = JSON::encode_json({ ticket => $self->TicketObj->id, transaction => $self->TransactionObj->id, type => $self->TransactionObj->Type });
my $response = HTTP::Tiny->new(timeout => 10)->post('${url}', { headers => { 'Content-Type' => 'application/json' }, content => $body });
RT->Logger->warning("Lockstep webhook: $response->{status} $response->{reason}") unless $response->{success};
return 1;`;

export const requestTrackerWebhook: ConnectorWebhook = {
  ticketIds: scripSchema.transform((event) => [String(event.ticket)]),
  setup: ({ url }) => ({
    steps: [
      "In RT: Admin → Scrips → Create. Description: Lockstep; Condition: On Transaction; Action: User Defined; Template: Blank; Stage: TransactionBatch (one call per batch of changes).",
      "Custom action preparation code: return 1;",
      "Custom action commit code: the script below. Set $lockstep_user to the user Lockstep signs in as. HTTPS needs IO::Socket::SSL on the RT server.",
      "Apply the scrip to the synced queues. The URL holds the secret: keep it private.",
    ],
    script: scrip(url),
  }),
};
