# Installed by Lockstep's scripts/rt/rt.sh for its end-to-end suite. RT reads RT_SiteConfig.d
# after RT_SiteConfig.pm, in name order, so these lines win over the packaged database settings:
# each rt-server started by the script passes its own database file, URL and caches. Without
# those variables (any other use of this RT) nothing changes.
Set($DatabaseName, $ENV{RT_DB_FILE}) if $ENV{RT_DB_FILE};
Set($WebBaseURL, $ENV{RT_WEB_BASE_URL}) if $ENV{RT_WEB_BASE_URL};
# At the root of its port, so REST2 is http://127.0.0.1:PORT/REST/2.0/ (the package says /rt).
Set($WebPath, "") if $ENV{RT_WEB_BASE_URL};
Set($MasonDataDir, "$ENV{RT_VAR_DIR}/mason") if $ENV{RT_VAR_DIR};
Set($MasonSessionDir, "$ENV{RT_VAR_DIR}/sessions") if $ENV{RT_VAR_DIR};
# The suite reads RT's answers, not its mail: no sendmail on the machine, and none wanted.
Set($MailCommand, 'testfile') if $ENV{RT_DB_FILE};
Set($LogToSTDERR, 'warning') if $ENV{RT_DB_FILE};
1;
