/* Embeds the salamander retina MAT-file (data/retina/bint_fishmovie32_100.mat, whose sha256 the Makefile checks)
   into the binary at RETINA_MAT_PATH; a build without that define gets an empty blob, and fig6 then asks for --data.
   GNU assembler syntax (x86-64 and ARM). */
    .section .rodata
    .global retina_mat_data
    .global retina_mat_size
    .balign 16
retina_mat_data:
#ifdef RETINA_MAT_PATH
    .incbin RETINA_MAT_PATH
#endif
retina_mat_end:
    .byte 0
    .balign 8
retina_mat_size:
    .quad retina_mat_end - retina_mat_data
    .section .note.GNU-stack,"",%progbits
