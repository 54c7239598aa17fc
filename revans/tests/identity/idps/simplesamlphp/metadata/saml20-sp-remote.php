<?php
// The service providers of this run (the app's organisations), from the run's own folder.
$run = json_decode(file_get_contents(getenv('REVANS_SAML_IDP_RUN') . '/run.json'), true);

foreach ($run['sps'] as $sp) {
    $metadata[$sp['entity_id']] = [
        'AssertionConsumerService' => [[
            'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
            'Location' => $sp['acs_url'],
        ]],
        'SingleLogoutService' => [[
            'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
            'Location' => $sp['sls_url'],
        ]],
        'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        'simplesaml.nameidattribute' => 'email',
        'simplesaml.attributes' => true,
        'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
        'saml20.sign.response' => true,
        'saml20.sign.assertion' => true,
    ];
}
