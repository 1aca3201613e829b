#include "commands.h"

const std::vector<Command>& command_table() {
    static const std::vector<Command> commands = {
        {"sample", command_sample, "Metropolis samples of SK or your own parameters (--params)"},
        {"infer", command_infer, "infer Ising parameters (erasure machine, PLM, mean field or exact MLE)"},
        {"evaluate", command_evaluate, "MSE of inferred against true parameters, Eq. (23)"},
        {"energy", command_energy, "mean and variance of E(sigma) over samples, Eq. (2)"},
        {"augment", command_augment, "train a DDPM on samples and generate augmented samples"},
        {"generate", command_generate, "more samples from a model saved by augment --save-model"},
        {"assess", command_assess, "does augmentation help the inference of your data? (cross-validated)"},
        {"retina-info", command_retina_info, "statistics of the salamander retina recording"},
        {"fig2", command_fig2, "Fig. 2: MSE and energy variance along diffusion training"},
        {"fig3", command_fig3, "Fig. 3: MSE vs coupling scale g"},
        {"fig4", command_fig4, "Fig. 4: MSE vs M and M+"},
        {"fig5", command_fig5, "Fig. 5: RBM and VAE against diffusion"},
        {"fig6", command_fig6, "Fig. 6: retina, reconstruction of missing neurons"},
        {"fig7", command_fig7, "Fig. 7 (beyond the paper): does augmentation help each solver (EM, PLM, MF)?"},
        {"fig8", command_fig8, "Fig. 8 (beyond the paper): does repro assess pick the MSE-best pipeline?"},
        {"all", command_all, "every figure, then results/README.md"},
        {"store", command_store, "list or clear the store of trained models the figures share"},
    };
    return commands;
}
