<?php
// Users sign in with their email and password; their attributes are what the SP reads.
$run = json_decode(file_get_contents(getenv('REVANS_SAML_IDP_RUN') . '/run.json'), true);

$users = [];
foreach ($run['users'] as $user) {
    $users[$user['email'] . ':' . $user['password']] = $user['attributes'];
}

$config = [
    'admin' => ['core:AdminPassword'],
    'users' => array_merge(['exampleauth:UserPass'], $users),
];
