<?php
// The tests' SAML identity provider (revans/tests/identity/idps/__init__.py: running_saml_idp).
// These files are the same for every run; what changes (the base URL, users, service providers,
// the signing key) is in the run's own folder, named by REVANS_SAML_IDP_RUN.
$run = json_decode(file_get_contents(getenv('REVANS_SAML_IDP_RUN') . '/run.json'), true);

$config = [
    'baseurlpath' => $run['base_url'] . '/',
    'certdir' => $run['dir'],
    'loggingdir' => $run['dir'],
    'datadir' => $run['dir'],
    'tempdir' => $run['dir'] . '/tmp',
    'metadatadir' => __DIR__ . '/metadata',
    'technicalcontact_name' => 'Revans tests',
    'technicalcontact_email' => 'tests@example.org',
    'timezone' => 'UTC',
    'secretsalt' => $run['secret'],
    'auth.adminpassword' => $run['secret'],
    'admin.checkforupdates' => false,

    'enable.saml20-idp' => true,
    'module.enable' => ['core' => true, 'saml' => true, 'exampleauth' => true],

    // Its log goes to php -S's stderr, which the harness keeps in the run's folder.
    'logging.handler' => 'stderr',
    'logging.level' => SimpleSAML\Logger::NOTICE,
    'showerrors' => true,
    'errorreporting' => false,

    // Plain HTTP on loopback: cookies must not ask for HTTPS, nor SameSite=None (which needs it).
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'language.cookie.secure' => false,
    'language.cookie.samesite' => null,
    'store.type' => 'phpsession',
    'session.phpsession.savepath' => $run['dir'] . '/sessions',
    'production' => true,
];
