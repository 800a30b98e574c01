package org.p2pgrid.env.pomdp;

import java.util.List;
import org.p2pgrid.env.device.ActionProjection;
import org.p2pgrid.env.device.ProsumerSpec;
import org.p2pgrid.env.grid.Network;
import org.p2pgrid.env.market.TouTariff;
import org.p2pgrid.env.scenario.ScenarioConfig;

/**
 * Everything that defines a simulated world, immutable and shared by all worlds: the feeder, the
 * prosumers with their devices, tariff and P2P settings, the reward coefficients and the source of
 * each day's exogenous data.
 *
 * @param gamma discount factor used for the cumulative discounted reward (Table II: 0.99)
 */
public record Scenario(Network network, ScenarioConfig config, RewardSettings reward, double gamma,
                       ExogenousModel exogenous) {

    public Scenario {
        for (ProsumerSpec p : config.prosumers()) {
            try {
                network.indexOf(p.bus());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("prosumer " + p.id() + " sits at bus " + p.bus()
                        + ", which the " + network.busCount() + "-bus feeder does not have", e);
            }
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma = " + gamma + ": must be in (0, 1]");
        }
    }

    public List<ProsumerSpec> prosumers() {
        return config.prosumers();
    }

    public TouTariff tariff() {
        return config.tariff();
    }

    public double dtHours() {
        return config.dtHours();
    }

    public double p2pPriceCoefficient() {
        return config.p2p().priceCoefficient();
    }

    public double dsoFeeCnyPerKwh() {
        return config.p2p().dsoFeeCnyPerKwh();
    }

    public ActionProjection projection() {
        return config.projection();
    }
}
