#!/usr/bin/perl
# Prepares an RT 5 database (a copy of the packaged one, named by RT_DB_FILE) for Lockstep's
# end-to-end suite, through RT's own Perl API: root's password, an integration user with an auth
# token, the queues the suite syncs between and the ticket custom fields it maps. Run by
# scripts/rt/rt.sh once; every instance then starts from a copy of the result.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use lib '/usr/local/share/request-tracker5/lib';
use RT;

RT::LoadConfig();
RT::Init();

my $root_password = $ENV{RT_ROOT_PASSWORD} or die "RT_ROOT_PASSWORD is not set\n";
my $state = $ENV{RT_STATE_DIR} or die "RT_STATE_DIR is not set\n";
my $system = RT::CurrentUser->new(RT->SystemUser);

sub ok { my ($what, $ok, $msg) = @_; die "$what: $msg\n" unless $ok; print "[rt] $what\n"; }

my $root = RT::User->new($system);
$root->Load('root');
ok('root password', $root->SetPassword($root_password));

# The integration user Lockstep signs in as. Its time zone is UTC because RT reads TicketSQL
# dates in the user's zone. SuperUser keeps the suite about sync, not RT's rights model.
my $user = RT::User->new($system);
ok('integration user lockstep', $user->Create(
  Name => 'lockstep', RealName => 'Lockstep Integration', EmailAddress => 'lockstep@lockstep.test',
  Privileged => 1, Timezone => 'UTC', Password => $root_password,
));
ok('lockstep is SuperUser', $user->PrincipalObj->GrantRight(Right => 'SuperUser', Object => RT->System));

my $token = RT::AuthToken->new($system);
my ($token_id, $token_msg, $authstring) = $token->Create(Owner => $user->id, Description => 'Lockstep e2e');
ok('auth token for lockstep', $token_id, $token_msg);
open(my $fh, '>', "$state/lockstep.token") or die "cannot write the token file: $!\n";
print $fh "$authstring\n";
close $fh;

# A requester known to both instances (Lockstep never creates people), and one only on A's side
# of the story (RT creates requesters on ticket create, so the suite makes that one itself).
my $requester = RT::User->new($system);
ok('requester alice', $requester->Create(Name => 'alice@customer.test', EmailAddress => 'alice@customer.test', RealName => 'Alice Customer', Privileged => 0));

my %queue;
for my $name ('Support', 'Partner Escalations') {
  my $q = RT::Queue->new($system);
  ok("queue $name", $q->Create(Name => $name, Description => "Lockstep e2e: $name"));
  $queue{$name} = $q;
}

# The partner reference: free text, one value, on every ticket.
my $partner = RT::CustomField->new($system);
ok('custom field Partner Reference', $partner->Create(Name => 'Partner Reference', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket'));
ok('Partner Reference applied globally', $partner->AddToObject(RT::Queue->new($system)));

# A picklist the suite maps value by value, applied to the two queues.
my $impact = RT::CustomField->new($system);
ok('custom field Impact', $impact->Create(Name => 'Impact', Type => 'SelectSingle', LookupType => 'RT::Queue-RT::Ticket'));
for my $value ('One user', 'Department', 'Everyone') { ok("Impact value $value", $impact->AddValue(Name => $value)); }
ok("Impact applied to $_", $impact->AddToObject($queue{$_})) for sort keys %queue;

# Free text copied as it is.
my $asset_tag = RT::CustomField->new($system);
ok('custom field Asset Tag', $asset_tag->Create(Name => 'Asset Tag', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket'));
ok("Asset Tag applied to $_", $asset_tag->AddToObject($queue{$_})) for sort keys %queue;

RT->DatabaseHandle->Disconnect;
