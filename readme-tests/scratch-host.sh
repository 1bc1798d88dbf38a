#!/usr/bin/env bash
# A host project made of the README alone, built by Maven against the INSTALLED artifacts (run
# `./dev mvn install -DskipTests` first): its pom is the README's dependency block verbatim plus
# prmonitor-spi-tck in test scope, its sources are the README's Java samples and a store of its own
# (spi-tck's host project). `mvn test` must compile every sample and pass the store contract suite.
# ReadmeSnippetsTest and HostProjectTest check the same inside `./dev test`, against the reactor's jars.
#   readme-tests/scratch-host.sh [directory [maven arguments...]]   (default: a new temporary directory)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
host="${1:-$(mktemp -d)}"
[ $# -gt 0 ] && shift
mkdir -p "$host/src/main/java" "$host/src/test/java/com/example/store"
python3 - "$root/README.md" "$host" <<'PY'
import re, sys
readme, host = open(sys.argv[1]).read(), sys.argv[2]
xml = re.search(r'```xml\n(.*?)```', readme, re.S).group(1)
tck = """  <dependency>
    <groupId>io.prmonitor</groupId>
    <artifactId>prmonitor-spi-tck</artifactId>
    <scope>test</scope>
  </dependency>
</dependencies>"""
head, sep, tail = xml.rpartition('</dependencies>')
open(host + '/pom.xml', 'w').write(f'''<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>scratch-host</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>21</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
{head}{tck}{tail}
  <build>
    <plugins>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
    </plugins>
  </build>
</project>
''')
for sample in re.findall(r'```java\n(.*?)```', readme, re.S):
    name = re.search(r'^public (?:final )?class (\w+)', sample, re.M).group(1)
    open(f'{host}/src/main/java/{name}.java', 'w').write(sample)
PY
cp "$root/spi-tck/src/test/host-project/src/test/java/com/example/store/MapStore.java" \
   "$root/spi-tck/src/test/host-project/src/test/java/com/example/store/MapStoreContractTest.java" \
   "$host/src/test/java/com/example/store/"
cd "$host"
"$root/dev" mvn -f "$host/pom.xml" "$@" test
