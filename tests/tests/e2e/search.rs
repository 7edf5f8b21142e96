//! The search box, row by row of the design's feature table (S1–S14).

use helpdesk_tests::{e2e, e2e_backends, edges, fixtures::*, typenames};
use serde_json::json;

/// The first edge whose node is of type `ty`.
fn first_of(search: &serde_json::Value, ty: &str) -> serde_json::Value {
    edges(search).into_iter().find(|e| e["node"]["__typename"] == ty).unwrap_or_else(|| panic!("no {ty} in {search}"))
}

e2e!(
    /// S1: an organisation's name by prefix, by word, in any case and without accents.
    agent_finds_a_customer_by_name_prefix_or_word, |app| async move {
    for text in ["Nan Pizza Group", "nan piz", "PIZZA", "nan", "Ｎａｎ Ｐｉｚｚａ"] {
        let s = app.search(text).await;
        let hit = first_of(&s, "Customer");
        assert_eq!(hit["node"]["name"], CUSTOMER, "{text}");
        assert_eq!(hit["matchedField"], "ORGANIZATION_NAME");
    }
    let exact = first_of(&app.search("nan pizza group").await, "Customer");
    let word = first_of(&app.search("pizza").await, "Customer");
    assert!(exact["score"].as_f64() > word["score"].as_f64(), "exact ranks above word");
});

e2e!(
    /// S2 and S6: organisation and user IDs, exact.
    agent_finds_a_customer_and_a_user_by_their_ids, |app| async move {
    let device = app.search(DEVICE_MAC).await;
    let q = r#"query($id: ID!) { device(id: $id) { customer { organizationId } owner { userId } } }"#;
    let res = app.query(q, json!({ "id": edges(&device)[0]["node"]["id"] })).await;
    let org = res["data"]["device"]["customer"]["organizationId"].as_str().unwrap().to_string();
    let user = res["data"]["device"]["owner"]["userId"].as_str().unwrap().to_string();

    let s = app.search(&org).await;
    assert_eq!(s["interpretedAs"][0]["kind"], "ID");
    assert_eq!(typenames(&s), vec!["Customer"]);
    assert_eq!(edges(&s)[0]["matchedField"], "ORGANIZATION_ID");
    assert_eq!(edges(&s)[0]["node"]["name"], CUSTOMER);

    let s = app.search(&user.to_uppercase()).await;
    assert_eq!(typenames(&s), vec!["User"]);
    assert_eq!(edges(&s)[0]["node"]["email"], USER_EMAIL);
});

e2e!(
    /// S3: a claimed or verified domain, or any address at it.
    agent_finds_a_customer_by_domain_or_by_an_address_at_it, |app| async move {
    for text in [CUSTOMER_DOMAIN, CUSTOMER_CLAIMED_DOMAIN, "someone.unknown@nanpizza.com", "NANPIZZA.COM"] {
        let s = app.search(text).await;
        let hit = first_of(&s, "Customer");
        assert_eq!(hit["node"]["name"], CUSTOMER, "{text}");
        assert_eq!(hit["matchedField"], "DOMAIN", "{text}");
    }
});

e2e!(
    /// S4: a meeting site, with or without its scheme.
    agent_finds_a_customer_by_meeting_site, |app| async move {
    for text in [CUSTOMER_SITE, "https://nanpizza.webex.com", "https://NanPizza.webex.com/meet/davis"] {
        let s = app.search(text).await;
        let hit = first_of(&s, "Customer");
        assert_eq!(hit["node"]["name"], CUSTOMER, "{text}");
        assert_eq!(hit["matchedField"], "MEETING_SITE", "{text}");
    }
});

e2e!(
    /// S5: a user's first + last, last + first and display name, accent-insensitive.
    agent_finds_a_user_by_name_in_any_order, |app| async move {
    for text in ["Davis Walker", "walker davis", "dav wal", "DAVIS"] {
        let s = app.search(text).await;
        assert!(edges(&s).iter().any(|e| e["node"]["email"] == USER_EMAIL), "{text}: {s}");
    }
    // An accent typed or not finds the same user.
    for text in ["zoe durand", "Zoë Durand", "durand zoe"] {
        let s = app.search(text).await;
        let hit = first_of(&s, "User");
        assert_eq!(hit["node"]["displayName"], format!("{ACCENTED_USER_FIRST} {ACCENTED_USER_LAST}"), "{text}");
        assert_eq!(hit["matchedField"], "USER_NAME");
    }
    let exact = first_of(&app.search("Zoë Durand").await, "User");
    assert_eq!(exact["score"], 1.0);
});

e2e!(
    /// S7: an email, exact and case-insensitive; a partial email finds no user.
    agent_finds_a_user_by_email_in_any_case, |app| async move {
    let s = app.search("Davis.Walker@NANPIZZA.com").await;
    let hit = first_of(&s, "User");
    assert_eq!(hit["node"]["email"], USER_EMAIL);
    assert_eq!(hit["matchedField"], "EMAIL");
    assert_eq!(s["interpretedAs"][0], json!({ "kind": "EMAIL", "value": USER_EMAIL }));
    let partial = app.search("davis.walk@nanpizza.com").await;
    assert!(!typenames(&partial).contains(&"User".to_string()));

    // The user with that address comes first, alone at 1.0; the customer that
    // owns the domain follows as a hint with a lower score.
    assert_eq!(edges(&s)[0]["node"]["email"], USER_EMAIL, "{s}");
    assert_eq!(edges(&s)[0]["score"], 1.0);
    let hint = first_of(&s, "Customer");
    assert_eq!(hint["node"]["name"], CUSTOMER);
    assert!(hint["score"].as_f64().unwrap() < 1.0, "{hint}");
});

e2e!(
    /// S8 and S9: a number in every accepted format, its customer and what it rings.
    agent_finds_a_phone_number_in_every_format, |app| async move {
    for text in ["+1-212-456-7890", "+1 (212) 456 7890", "+1.212.456.7890", "+12124567890"] {
        let s = app.search(text).await;
        assert_eq!(s["interpretedAs"][0], json!({ "kind": "PHONE_NUMBER", "value": "+12124567890" }), "{text}");
        let hit = first_of(&s, "PhoneNumber");
        assert_eq!(hit["node"]["customer"]["name"], CUSTOMER);
        assert_eq!(hit["node"]["kind"], "USER_LINE");
        // The number itself first; the device on its line after, with a lower score.
        assert_eq!(typenames(&s)[0], "PhoneNumber", "{text}: {s}");
        let device = first_of(&s, "Device");
        assert!(device["score"].as_f64().unwrap() < hit["score"].as_f64().unwrap(), "{s}");
    }
    let q = r#"query($n: String!) { phoneNumber(number: $n) { kind assignedUser { email } assignedFeature customer { name } } }"#;
    let res = app.query(q, json!({ "n": PHONE_NUMBER })).await;
    assert_eq!(res["data"]["phoneNumber"]["assignedUser"]["email"], USER_EMAIL);
    let res = app.query(q, json!({ "n": AUTO_ATTENDANT_NUMBER })).await;
    assert_eq!(res["data"]["phoneNumber"]["kind"], "AUTO_ATTENDANT");
    assert_eq!(res["data"]["phoneNumber"]["assignedFeature"], "Main Menu");
});

e2e!(
    /// S9: the customer holds a number of every kind the help page lists, each searchable.
    every_kind_of_number_is_searchable, |app| async move {
    let q = r#"{ search(query: "Nan Pizza Group", first: 1, kinds: [CUSTOMER]) { edges { node { ... on Customer { phoneNumbers(first: 100) { edges { node { number kind } } } } } } } }"#;
    let res = app.query(q, json!({})).await;
    let numbers = res["data"]["search"]["edges"][0]["node"]["phoneNumbers"]["edges"].as_array().unwrap().clone();
    let kinds: std::collections::HashSet<String> = numbers.iter().map(|n| n["node"]["kind"].as_str().unwrap().to_string()).collect();
    for kind in ["AUTO_ATTENDANT", "CALL_QUEUE", "GROUP_PAGING", "HUNT_GROUP", "VIRTUAL_LINE", "VOICEMAIL_GROUP", "INACTIVE", "UNASSIGNED", "USER_LINE"] {
        assert!(kinds.contains(kind), "missing {kind}");
        let n = numbers.iter().find(|n| n["node"]["kind"] == kind).unwrap()["node"]["number"].as_str().unwrap().to_string();
        let s = app.search(&n).await;
        assert!(edges(&s).iter().any(|e| e["node"]["kind"] == kind), "{kind} {n}");
    }
});

e2e!(
    /// S10: a MAC with any separators and case; a partial MAC is an error that says why.
    agent_finds_a_device_by_mac_in_every_format, |app| async move {
    for text in ["2C:54:91:88:C9:E3", "2c-54-91-88-c9-e3", "2C54.9188.C9E3", "2c549188c9e3"] {
        let s = app.search(text).await;
        assert_eq!(s["interpretedAs"][0], json!({ "kind": "MAC_ADDRESS", "value": "2C549188C9E3" }), "{text}");
        let hit = first_of(&s, "Device");
        assert_eq!(hit["node"]["macAddress"], DEVICE_MAC);
        assert_eq!(hit["matchedField"], "MAC_ADDRESS");
    }
    let res = app.query(helpdesk_tests::SEARCH, json!({ "q": "2C:54:91:88" })).await;
    assert_eq!(helpdesk_tests::error_code(&res), "BAD_USER_INPUT");
    assert_eq!(res["errors"][0]["message"], "a MAC address has 12 hexadecimal digits");
});

e2e!(
    /// S11: a device by its line, its SIP address (scheme optional) or its serial number.
    agent_finds_a_device_by_number_sip_or_serial, |app| async move {
    for (text, field) in [
        (PHONE_NUMBER, "PHONE_NUMBER"),
        (DEVICE_SIP, "SIP_ADDRESS"),
        ("davis@nanpizza.cisco.com", "SIP_ADDRESS"),
        ("SIP:Davis@NanPizza.Cisco.com", "SIP_ADDRESS"),
        (DEVICE_SERIAL, "SERIAL_NUMBER"),
        ("fch2231a0bc", "SERIAL_NUMBER"),
    ] {
        let s = app.search(text).await;
        let hit = first_of(&s, "Device");
        assert_eq!(hit["node"]["macAddress"], DEVICE_MAC, "{text}");
        assert_eq!(hit["matchedField"], field, "{text}");
    }
});

e2e!(
    /// S12: third-party devices are never returned by search.
    a_third_party_device_is_never_found, |app| async move {
    let s = app.search(THIRD_PARTY_MAC).await;
    assert!(edges(&s).is_empty(), "{s}");
    let s = app.search("lobby@nanpizza.cisco.com").await;
    assert!(!typenames(&s).contains(&"Device".to_string()));
});

e2e!(
    /// S13: a web order number finds the order and its customer.
    agent_finds_an_order_by_web_order_number, |app| async move {
    let s = app.search(WEB_ORDER).await;
    assert_eq!(s["interpretedAs"][0]["kind"], "WEB_ORDER_NUMBER");
    let hit = first_of(&s, "Order");
    assert_eq!(hit["node"]["webOrderNumber"], WEB_ORDER);
    assert_eq!(hit["node"]["customer"]["name"], CUSTOMER);
    let res = app.query(r#"query($n: String!) { order(webOrderNumber: $n) { status licenses { offer quantity consumed available } } }"#, json!({ "n": WEB_ORDER })).await;
    let licenses = res["data"]["order"]["licenses"].as_array().unwrap();
    assert!(!licenses.is_empty());
    for l in licenses {
        assert_eq!(l["available"].as_i64().unwrap(), l["quantity"].as_i64().unwrap() - l["consumed"].as_i64().unwrap());
    }
});

e2e!(
    /// S14: the same search inside one customer only.
    a_scoped_search_stays_inside_its_customer, |app| async move {
    let nan = edges(&app.search("Nan Pizza Group").await)[0]["node"]["id"].clone();
    let other = app.search("Blue Bakery Group").await;
    let other_id = edges(&other)[0]["node"]["id"].clone();
    // "a" matches users of many customers; scoped, only Nan Pizza's.
    let q = helpdesk_tests::SEARCH;
    let res = app.query(q, json!({ "q": "davis", "customerId": nan, "kinds": ["USER"] })).await;
    assert_eq!(edges(&res["data"]["search"]).len(), 1, "{res}");
    let res = app.query(q, json!({ "q": "davis", "customerId": other_id, "kinds": ["USER"] })).await;
    assert!(edges(&res["data"]["search"]).iter().all(|e| e["node"]["email"] != USER_EMAIL));
    // Customer.search is the same search.
    let res = app.query(r#"query($id: ID!) { customer(id: $id) { search(query: "2C549188C9E3") { edges { node { __typename } } } } }"#, json!({ "id": nan })).await;
    assert_eq!(res["data"]["customer"]["search"]["edges"][0]["node"]["__typename"], "Device");
    let res = app.query(r#"query($id: ID!) { customer(id: $id) { search(query: "2C549188C9E3") { edges { node { __typename } } } } }"#, json!({ "id": other_id })).await;
    assert_eq!(res["data"]["customer"]["search"]["edges"], json!([]));
});

e2e!(
    /// Ranking: exact before prefix, customers before their users on ties, stable pages.
    results_are_ranked_and_paged_without_overlap, |app| async move {
    let q = helpdesk_tests::SEARCH;
    let all = app.query(q, json!({ "q": "a", "first": 100 })).await["data"]["search"].clone();
    let scores: Vec<f64> = edges(&all).iter().map(|e| e["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "scores descend: {scores:?}");
    let first = app.query(q, json!({ "q": "a", "first": 5 })).await["data"]["search"].clone();
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    let second = app.query(q, json!({ "q": "a", "first": 5, "after": first["pageInfo"]["endCursor"] })).await["data"]["search"].clone();
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
    let ids = |s: &serde_json::Value| edges(s).iter().map(|e| e["node"]["id"].clone()).collect::<Vec<_>>();
    let mut both = ids(&first);
    both.extend(ids(&second));
    let expected: Vec<_> = ids(&all).into_iter().take(10).collect();
    assert_eq!(both, expected, "two pages of 5 are the first 10");
    // The domain of Nan Pizza finds the customer before any user.
    let s = app.search(CUSTOMER_DOMAIN).await;
    assert_eq!(typenames(&s)[0], "Customer");
});

e2e_backends!(
    /// S1 at a partner's size (`--scale small`, 250 customers a partner, many sharing their
    /// first word): every customer is in the top 5 for its full name, its first two words,
    /// and its first word plus the first two letters of the next.
    every_customer_is_found_by_its_name, |target| async move {
    let app = helpdesk_tests::spawn_app_with(target, helpdesk_store::seed::Scale::Small).await;
    let names = app
        .sql_texts("SELECT c.name FROM customers c JOIN partners p ON p.id = c.partner_id WHERE p.name = 'Northwind Partners' ORDER BY c.name")
        .await;
    assert!(names.len() > 200, "{}", names.len());
    let token = app.token(HELP_DESK_AGENT).await;
    let mut misses = Vec::new();
    for name in &names {
        let words: Vec<&str> = name.split(' ').collect();
        let mut forms = vec![name.clone()];
        if words.len() > 2 {
            forms.push(format!("{} {}", words[0], words[1]));
        }
        if words.len() > 1 {
            forms.push(format!("{} {}", words[0], words[1].chars().take(2).collect::<String>()));
        }
        for form in forms {
            let res = app.query_with_token(Some(&token), helpdesk_tests::SEARCH, json!({ "q": form, "first": 5, "kinds": ["CUSTOMER"] })).await;
            if !edges(&res["data"]["search"]).iter().any(|e| e["node"]["name"] == name.as_str()) {
                misses.push(form);
            }
        }
    }
    assert!(misses.is_empty(), "{} of {} names not in the top 5: {:?}", misses.len(), names.len(), &misses[..misses.len().min(10)]);
});

e2e!(
    /// Typo tolerance as Meilisearch has it: one swapped pair of letters in a word of 5 to 8
    /// letters, two edits from 9 letters on, never in the first letter or a word under 5;
    /// a corrected match ranks below every typed one.
    agent_finds_a_name_typed_with_a_typo, |app| async move {
    let q = helpdesk_tests::SEARCH;
    let found = |res: &serde_json::Value| edges(&res["data"]["search"]).iter().map(|e| e["node"]["displayName"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>();
    let res = app.query(q, json!({ "q": "Zimmeramnn", "kinds": ["USER"] })).await;
    let names = found(&res);
    assert!(!names.is_empty() && names.iter().all(|n| n.contains("Zimmermann")), "two edits in ten letters: {names:?}");
    assert_eq!(edges(&res["data"]["search"])[0]["score"], 0.4, "a typo match scores below a word match");
    let res = app.query(q, json!({ "q": "Mimmermann", "kinds": ["USER"] })).await;
    assert!(found(&res).iter().all(|n| !n.contains("Zimmermann")), "the first letter is never a typo");
    // "nan pizza" with a swapped pair in "pizza" (5 letters: one edit allowed).
    let res = app.query(q, json!({ "q": "nan pziza", "kinds": ["CUSTOMER"] })).await;
    assert_eq!(edges(&res["data"]["search"])[0]["node"]["name"], CUSTOMER, "{res}");
    // "nna" is under five letters: no typo forgiven.
    let res = app.query(q, json!({ "q": "nna pizza", "kinds": ["CUSTOMER"] })).await;
    assert_eq!(edges(&res["data"]["search"]), Vec::<serde_json::Value>::new());
    // The typed word outranks its corrections: "Martin" finds Martins before any "Marin".
    let res = app.query(q, json!({ "q": "martin", "kinds": ["USER"], "first": 100 })).await;
    let scores: Vec<f64> = edges(&res["data"]["search"]).iter().map(|e| e["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]) && scores[0] > 0.4, "{scores:?}");
});
