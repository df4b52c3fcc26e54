package io.junction.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.junction.client.ClientConfig;
import io.junction.config.Config;
import io.junction.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollerConfigTest {
    @Test
    void theFileInEtcIsTheTemplateOfTheDeclaredKeys() throws Exception {
        assertEquals(PollerConfig.template(), Files.readString(Path.of("..", "etc", "poller.properties")),
                "etc/poller.properties is out of step with PollerConfig: regenerate it with `bin/junction poller config-template > etc/poller.properties`");
    }

    @Test
    void aPollerFileTakesTheClientKeysAndItsOwn() {
        Config c = PollerConfig.definition().parse(Map.of("bus.url", "(tcp://a:1,tcp://b:2)?ha=true", "bus.user", "hq-poller", "bus.password", "secret-1",
                "poller.max-polls", "500"), "poller.properties");
        assertEquals(500, c.get(PollerConfig.MAX_POLLS));
        assertEquals("hq-poller", ClientConfig.credentials(c, Map.of()).user());
        ConfigException typo = assertThrows(ConfigException.class, () -> PollerConfig.definition().parse(Map.of("poller.max-pols", "5"), "poller.properties"));
        assertTrue(typo.getMessage().contains("did you mean poller.max-polls"), typo.getMessage());
        assertEquals("poller.max-polls", assertThrows(ConfigException.class,
                () -> PollerConfig.definition().parse(Map.of("poller.max-polls", "0"), "poller.properties")).key());
    }
}
