#[cfg(test)]
mod probe {
    use toml::de::{DeTable, DeValue};
    use toml::Spanned;
    fn walk(src: &str, v: &Spanned<DeValue<'_>>, path: String) {
        let s = v.span();
        eprintln!("{path}: {:?} {:?}", s, &src[s.clone()]);
        match v.get_ref() {
            DeValue::Table(t) => for (k, x) in t.iter() { eprintln!("  key {:?} {:?}", k.get_ref(), k.span()); walk(src, x, format!("{path}.{}", k.get_ref())) },
            DeValue::Array(a) => for (i, x) in a.iter().enumerate() { walk(src, x, format!("{path}[{i}]")) },
            _ => {}
        }
    }
    #[test]
    fn probe() {
        let src = "# c\n[scenario]\nname = \"x\"\n\n[[stations]]\nid = \"a\"\nservice = { dist = \"x\", mean = \"1s\" }\nroutes = [\n { to = \"b\", p = 1 },\n]\n\n[[stations]]\nid = \"b\"\n[stations.service]\ndist = \"e\"\n";
        let t = DeTable::parse(src).unwrap();
        eprintln!("root {:?}", t.span());
        for (k, x) in t.get_ref().iter() { eprintln!("key {:?} {:?}", k.get_ref(), k.span()); walk(src, x, k.get_ref().to_string()) }
        let (_, errs) = DeTable::parse_recoverable("a = \nb = [1,\nc = 'x");
        for e in errs { eprintln!("ERR {:?} {:?}", e.message(), e.span()); }
        let e = DeTable::parse("   \n# only\n").unwrap();
        eprintln!("empty {:?} {}", e.span(), e.get_ref().len());
        panic!();
    }
}
