package org.elasticsearch.node;

import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.MockPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.Collection;
import java.util.Map;

/**
 * A real Elasticsearch node whose plugins (the distribution's "modules") are classes on the classpath
 * rather than folders under modules/. This is what the test framework's MockNode does, minus its
 * dependency on ESTestCase (whose static initializer refuses to run as root and installs test-only
 * bootstrap state). It lives in org.elasticsearch.node because NodeConstruction and NodeServiceProvider
 * are package-private; that works because the server jar is loaded from the classpath, not as a module.
 */
public class ClasspathPluginsNode extends Node {
    public ClasspathPluginsNode(Settings settings, Collection<Class<? extends Plugin>> plugins) {
        super(
            NodeConstruction.prepareConstruction(
                InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> settings.get("node.name", "node")),
                null,
                new NodeServiceProvider() {
                    @Override
                    PluginsService newPluginService(Environment environment, PluginsLoader pluginsLoader) {
                        return new MockPluginsService(environment.settings(), environment, plugins);
                    }
                },
                true
            )
        );
    }

    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
        // The default sets process-wide SetOnce log fields; several nodes in one JVM would trip over it.
    }
}
